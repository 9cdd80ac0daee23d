using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Oppdrift.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ShareMigrationPlan : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SourceShares",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AgencyId = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(260)", maxLength: 260, nullable: false),
                    SourcePath = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SourceShares", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SourceShares_agencies_AgencyId",
                        column: x => x.AgencyId,
                        principalTable: "agencies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ShareMappings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ShareId = table.Column<int>(type: "integer", nullable: false),
                    SourceFolder = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    TargetKind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SiteUrl = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    Library = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    TargetFolder = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    StateChangedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StateChangedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShareMappings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ShareMappings_SourceShares_ShareId",
                        column: x => x.ShareId,
                        principalTable: "SourceShares",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ShareScans",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ShareId = table.Column<int>(type: "integer", nullable: false),
                    UploadedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UploadedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ScannedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Root = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Folders = table.Column<long>(type: "bigint", nullable: false),
                    Files = table.Column<long>(type: "bigint", nullable: false),
                    Bytes = table.Column<long>(type: "bigint", nullable: false),
                    Blockers = table.Column<long>(type: "bigint", nullable: false),
                    Warnings = table.Column<long>(type: "bigint", nullable: false),
                    ScanProblems = table.Column<long>(type: "bigint", nullable: false),
                    CleanupFiles = table.Column<long>(type: "bigint", nullable: false),
                    CleanupBytes = table.Column<long>(type: "bigint", nullable: false),
                    Duplicates = table.Column<bool>(type: "boolean", nullable: false),
                    StoredName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    FileBytes = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShareScans", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ShareScans_SourceShares_ShareId",
                        column: x => x.ShareId,
                        principalTable: "SourceShares",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ShareMappingChanges",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    MappingId = table.Column<int>(type: "integer", nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    By = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShareMappingChanges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ShareMappingChanges_ShareMappings_MappingId",
                        column: x => x.MappingId,
                        principalTable: "ShareMappings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ShareScanFolders",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ScanId = table.Column<int>(type: "integer", nullable: false),
                    Path = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Depth = table.Column<int>(type: "integer", nullable: false),
                    Files = table.Column<long>(type: "bigint", nullable: false),
                    Folders = table.Column<long>(type: "bigint", nullable: false),
                    Bytes = table.Column<long>(type: "bigint", nullable: false),
                    NameBlockers = table.Column<long>(type: "bigint", nullable: false),
                    Warnings = table.Column<long>(type: "bigint", nullable: false),
                    CleanupFiles = table.Column<long>(type: "bigint", nullable: false),
                    CleanupBytes = table.Column<long>(type: "bigint", nullable: false),
                    MaxFolderItems = table.Column<long>(type: "bigint", nullable: false),
                    HasFormsFolder = table.Column<bool>(type: "boolean", nullable: false),
                    NewestModified = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Lengths = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShareScanFolders", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ShareScanFolders_ShareScans_ScanId",
                        column: x => x.ScanId,
                        principalTable: "ShareScans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ShareScanTallies",
                columns: table => new
                {
                    ScanId = table.Column<int>(type: "integer", nullable: false),
                    Category = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Items = table.Column<long>(type: "bigint", nullable: false),
                    Bytes = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShareScanTallies", x => new { x.ScanId, x.Category, x.Kind });
                    table.ForeignKey(
                        name: "FK_ShareScanTallies_ShareScans_ScanId",
                        column: x => x.ScanId,
                        principalTable: "ShareScans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ShareMappingChanges_MappingId_At",
                table: "ShareMappingChanges",
                columns: new[] { "MappingId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_ShareMappings_ShareId",
                table: "ShareMappings",
                column: "ShareId");

            migrationBuilder.CreateIndex(
                name: "IX_ShareScanFolders_ScanId_Depth",
                table: "ShareScanFolders",
                columns: new[] { "ScanId", "Depth" });

            migrationBuilder.CreateIndex(
                name: "IX_ShareScans_ShareId_Sha256",
                table: "ShareScans",
                columns: new[] { "ShareId", "Sha256" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SourceShares_AgencyId_Name",
                table: "SourceShares",
                columns: new[] { "AgencyId", "Name" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ShareMappingChanges");

            migrationBuilder.DropTable(
                name: "ShareScanFolders");

            migrationBuilder.DropTable(
                name: "ShareScanTallies");

            migrationBuilder.DropTable(
                name: "ShareMappings");

            migrationBuilder.DropTable(
                name: "ShareScans");

            migrationBuilder.DropTable(
                name: "SourceShares");
        }
    }
}
