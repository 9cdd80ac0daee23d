using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Oppdrift.Migrations.Sqlite.Migrations
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
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AgencyId = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 260, nullable: false),
                    SourcePath = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
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
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ShareId = table.Column<int>(type: "INTEGER", nullable: false),
                    SourceFolder = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    TargetKind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SiteUrl = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    Library = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    TargetFolder = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    StateChangedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StateChangedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
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
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ShareId = table.Column<int>(type: "INTEGER", nullable: false),
                    UploadedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UploadedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ScannedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Root = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Folders = table.Column<long>(type: "INTEGER", nullable: false),
                    Files = table.Column<long>(type: "INTEGER", nullable: false),
                    Bytes = table.Column<long>(type: "INTEGER", nullable: false),
                    Blockers = table.Column<long>(type: "INTEGER", nullable: false),
                    Warnings = table.Column<long>(type: "INTEGER", nullable: false),
                    ScanProblems = table.Column<long>(type: "INTEGER", nullable: false),
                    CleanupFiles = table.Column<long>(type: "INTEGER", nullable: false),
                    CleanupBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    Duplicates = table.Column<bool>(type: "INTEGER", nullable: false),
                    StoredName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    FileBytes = table.Column<long>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MappingId = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
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
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ScanId = table.Column<int>(type: "INTEGER", nullable: false),
                    Path = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Depth = table.Column<int>(type: "INTEGER", nullable: false),
                    Files = table.Column<long>(type: "INTEGER", nullable: false),
                    Folders = table.Column<long>(type: "INTEGER", nullable: false),
                    Bytes = table.Column<long>(type: "INTEGER", nullable: false),
                    NameBlockers = table.Column<long>(type: "INTEGER", nullable: false),
                    Warnings = table.Column<long>(type: "INTEGER", nullable: false),
                    CleanupFiles = table.Column<long>(type: "INTEGER", nullable: false),
                    CleanupBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    MaxFolderItems = table.Column<long>(type: "INTEGER", nullable: false),
                    HasFormsFolder = table.Column<bool>(type: "INTEGER", nullable: false),
                    NewestModified = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Lengths = table.Column<string>(type: "TEXT", nullable: false)
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
                    ScanId = table.Column<int>(type: "INTEGER", nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Items = table.Column<long>(type: "INTEGER", nullable: false),
                    Bytes = table.Column<long>(type: "INTEGER", nullable: false)
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
