using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Oppdrift.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Learning : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "learning_calendar_feeds",
                columns: table => new
                {
                    PersonId = table.Column<int>(type: "integer", nullable: false),
                    Token = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learning_calendar_feeds", x => x.PersonId);
                    table.ForeignKey(
                        name: "FK_learning_calendar_feeds_people_PersonId",
                        column: x => x.PersonId,
                        principalTable: "people",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "learning_outgoing_mail",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    To = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    Subject = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Body = table.Column<string>(type: "text", nullable: false),
                    Calendar = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    SentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    LastError = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learning_outgoing_mail", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "learning_programmes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "text", nullable: false),
                    OwnerName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    OwnerAccount = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    OwnerAgencyId = table.Column<int>(type: "integer", nullable: true),
                    Audience = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Topics = table.Column<string>(type: "text", nullable: false),
                    Tools = table.Column<string>(type: "text", nullable: false),
                    FeedToken = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learning_programmes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_learning_programmes_agencies_OwnerAgencyId",
                        column: x => x.OwnerAgencyId,
                        principalTable: "agencies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "learning_cohorts",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ProgrammeId = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    StartsOn = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learning_cohorts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_learning_cohorts_learning_programmes_ProgrammeId",
                        column: x => x.ProgrammeId,
                        principalTable: "learning_programmes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "learning_modules",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ProgrammeId = table.Column<int>(type: "integer", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learning_modules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_learning_modules_learning_programmes_ProgrammeId",
                        column: x => x.ProgrammeId,
                        principalTable: "learning_programmes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "learning_programme_agencies",
                columns: table => new
                {
                    ProgrammeId = table.Column<int>(type: "integer", nullable: false),
                    AgencyId = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learning_programme_agencies", x => new { x.ProgrammeId, x.AgencyId });
                    table.ForeignKey(
                        name: "FK_learning_programme_agencies_agencies_AgencyId",
                        column: x => x.AgencyId,
                        principalTable: "agencies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_learning_programme_agencies_learning_programmes_ProgrammeId",
                        column: x => x.ProgrammeId,
                        principalTable: "learning_programmes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "learning_participants",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ProgrammeId = table.Column<int>(type: "integer", nullable: false),
                    PersonId = table.Column<int>(type: "integer", nullable: false),
                    CohortId = table.Column<int>(type: "integer", nullable: true),
                    JoinedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learning_participants", x => x.Id);
                    table.ForeignKey(
                        name: "FK_learning_participants_learning_cohorts_CohortId",
                        column: x => x.CohortId,
                        principalTable: "learning_cohorts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_learning_participants_learning_programmes_ProgrammeId",
                        column: x => x.ProgrammeId,
                        principalTable: "learning_programmes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_learning_participants_people_PersonId",
                        column: x => x.PersonId,
                        principalTable: "people",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "learning_sessions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ProgrammeId = table.Column<int>(type: "integer", nullable: false),
                    ModuleId = table.Column<int>(type: "integer", nullable: true),
                    SeriesKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "text", nullable: false),
                    StartsAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EndsAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Mode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Location = table.Column<string>(type: "text", nullable: true),
                    TeamsUrl = table.Column<string>(type: "text", nullable: true),
                    Capacity = table.Column<int>(type: "integer", nullable: true),
                    CalendarUid = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    CalendarSequence = table.Column<int>(type: "integer", nullable: false),
                    CancelledAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RegistrationVersion = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learning_sessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_learning_sessions_learning_modules_ModuleId",
                        column: x => x.ModuleId,
                        principalTable: "learning_modules",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_learning_sessions_learning_programmes_ProgrammeId",
                        column: x => x.ProgrammeId,
                        principalTable: "learning_programmes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "learning_attendance_imports",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SessionId = table.Column<int>(type: "integer", nullable: false),
                    FileName = table.Column<string>(type: "text", nullable: false),
                    MeetingTitle = table.Column<string>(type: "text", nullable: true),
                    ImportedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ImportedBy = table.Column<string>(type: "text", nullable: false),
                    Attendees = table.Column<int>(type: "integer", nullable: false),
                    Matched = table.Column<int>(type: "integer", nullable: false),
                    Guests = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learning_attendance_imports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_learning_attendance_imports_learning_sessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "learning_sessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "learning_documents",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ProgrammeId = table.Column<int>(type: "integer", nullable: false),
                    SessionId = table.Column<int>(type: "integer", nullable: true),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    FileName = table.Column<string>(type: "character varying(260)", maxLength: 260, nullable: false),
                    ContentType = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Bytes = table.Column<long>(type: "bigint", nullable: false),
                    StoredName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    UploadedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UploadedBy = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learning_documents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_learning_documents_learning_programmes_ProgrammeId",
                        column: x => x.ProgrammeId,
                        principalTable: "learning_programmes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_learning_documents_learning_sessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "learning_sessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "learning_feedback",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SessionId = table.Column<int>(type: "integer", nullable: false),
                    PersonId = table.Column<int>(type: "integer", nullable: false),
                    Rating = table.Column<int>(type: "integer", nullable: false),
                    Comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    GivenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learning_feedback", x => x.Id);
                    table.ForeignKey(
                        name: "FK_learning_feedback_learning_sessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "learning_sessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_learning_feedback_people_PersonId",
                        column: x => x.PersonId,
                        principalTable: "people",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "learning_recordings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ProgrammeId = table.Column<int>(type: "integer", nullable: false),
                    SessionId = table.Column<int>(type: "integer", nullable: true),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Url = table.Column<string>(type: "text", nullable: false),
                    DurationSeconds = table.Column<int>(type: "integer", nullable: false),
                    Views = table.Column<int>(type: "integer", nullable: true),
                    TranscriptFileName = table.Column<string>(type: "text", nullable: true),
                    Transcript = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learning_recordings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_learning_recordings_learning_programmes_ProgrammeId",
                        column: x => x.ProgrammeId,
                        principalTable: "learning_programmes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_learning_recordings_learning_sessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "learning_sessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "learning_registrations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SessionId = table.Column<int>(type: "integer", nullable: false),
                    PersonId = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RegisteredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    CancelledAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RegisteredBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ReminderSentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learning_registrations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_learning_registrations_learning_sessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "learning_sessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_learning_registrations_people_PersonId",
                        column: x => x.PersonId,
                        principalTable: "people",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "learning_attendance",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SessionId = table.Column<int>(type: "integer", nullable: false),
                    ImportId = table.Column<int>(type: "integer", nullable: false),
                    PersonId = table.Column<int>(type: "integer", nullable: true),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Email = table.Column<string>(type: "text", nullable: true),
                    ParticipantId = table.Column<string>(type: "text", nullable: true),
                    Role = table.Column<string>(type: "text", nullable: true),
                    FirstJoin = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastLeave = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DurationSeconds = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learning_attendance", x => x.Id);
                    table.ForeignKey(
                        name: "FK_learning_attendance_learning_attendance_imports_ImportId",
                        column: x => x.ImportId,
                        principalTable: "learning_attendance_imports",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_learning_attendance_learning_sessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "learning_sessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_learning_attendance_people_PersonId",
                        column: x => x.PersonId,
                        principalTable: "people",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_learning_attendance_ImportId",
                table: "learning_attendance",
                column: "ImportId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_attendance_PersonId",
                table: "learning_attendance",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_attendance_SessionId",
                table: "learning_attendance",
                column: "SessionId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_attendance_imports_SessionId",
                table: "learning_attendance_imports",
                column: "SessionId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_calendar_feeds_Token",
                table: "learning_calendar_feeds",
                column: "Token",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_learning_cohorts_ProgrammeId",
                table: "learning_cohorts",
                column: "ProgrammeId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_documents_ProgrammeId",
                table: "learning_documents",
                column: "ProgrammeId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_documents_SessionId",
                table: "learning_documents",
                column: "SessionId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_feedback_PersonId",
                table: "learning_feedback",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_feedback_SessionId_PersonId",
                table: "learning_feedback",
                columns: new[] { "SessionId", "PersonId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_learning_modules_ProgrammeId",
                table: "learning_modules",
                column: "ProgrammeId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_outgoing_mail_SentAt",
                table: "learning_outgoing_mail",
                column: "SentAt");

            migrationBuilder.CreateIndex(
                name: "IX_learning_participants_CohortId",
                table: "learning_participants",
                column: "CohortId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_participants_PersonId",
                table: "learning_participants",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_participants_ProgrammeId_PersonId",
                table: "learning_participants",
                columns: new[] { "ProgrammeId", "PersonId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_learning_programme_agencies_AgencyId",
                table: "learning_programme_agencies",
                column: "AgencyId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_programmes_FeedToken",
                table: "learning_programmes",
                column: "FeedToken",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_learning_programmes_OwnerAgencyId",
                table: "learning_programmes",
                column: "OwnerAgencyId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_recordings_ProgrammeId",
                table: "learning_recordings",
                column: "ProgrammeId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_recordings_SessionId",
                table: "learning_recordings",
                column: "SessionId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_registrations_PersonId",
                table: "learning_registrations",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_registrations_SessionId_PersonId",
                table: "learning_registrations",
                columns: new[] { "SessionId", "PersonId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_learning_sessions_CalendarUid",
                table: "learning_sessions",
                column: "CalendarUid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_learning_sessions_ModuleId",
                table: "learning_sessions",
                column: "ModuleId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_sessions_ProgrammeId_StartsAt",
                table: "learning_sessions",
                columns: new[] { "ProgrammeId", "StartsAt" });

            migrationBuilder.CreateIndex(
                name: "IX_learning_sessions_StartsAt",
                table: "learning_sessions",
                column: "StartsAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "learning_attendance");

            migrationBuilder.DropTable(
                name: "learning_calendar_feeds");

            migrationBuilder.DropTable(
                name: "learning_documents");

            migrationBuilder.DropTable(
                name: "learning_feedback");

            migrationBuilder.DropTable(
                name: "learning_outgoing_mail");

            migrationBuilder.DropTable(
                name: "learning_participants");

            migrationBuilder.DropTable(
                name: "learning_programme_agencies");

            migrationBuilder.DropTable(
                name: "learning_recordings");

            migrationBuilder.DropTable(
                name: "learning_registrations");

            migrationBuilder.DropTable(
                name: "learning_attendance_imports");

            migrationBuilder.DropTable(
                name: "learning_cohorts");

            migrationBuilder.DropTable(
                name: "learning_sessions");

            migrationBuilder.DropTable(
                name: "learning_modules");

            migrationBuilder.DropTable(
                name: "learning_programmes");
        }
    }
}
