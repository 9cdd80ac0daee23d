CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    "MigrationId" TEXT NOT NULL CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY,
    "ProductVersion" TEXT NOT NULL
);

CREATE TABLE "accounts" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_accounts" PRIMARY KEY AUTOINCREMENT,
    "UserName" TEXT NOT NULL,
    "NormalizedUserName" TEXT NOT NULL,
    "DisplayName" TEXT NOT NULL,
    "PasswordHash" TEXT NULL,
    "MustChangePassword" INTEGER NOT NULL,
    "ExternalId" TEXT NULL,
    "Roles" INTEGER NOT NULL,
    "IsDisabled" INTEGER NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "LastSignInAt" TEXT NULL
);

CREATE TABLE "agencies" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_agencies" PRIMARY KEY AUTOINCREMENT,
    "Code" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Sector" TEXT NULL,
    "CreatedAt" TEXT NOT NULL
);

CREATE TABLE "audit_log" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_audit_log" PRIMARY KEY AUTOINCREMENT,
    "At" TEXT NOT NULL,
    "Actor" TEXT NOT NULL,
    "Action" TEXT NOT NULL,
    "Target" TEXT NULL,
    "Before" TEXT NULL,
    "After" TEXT NULL
);

CREATE TABLE "directory_imports" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_directory_imports" PRIMARY KEY AUTOINCREMENT,
    "FileName" TEXT NOT NULL,
    "Sha256" TEXT NOT NULL,
    "Bytes" INTEGER NOT NULL,
    "ImportedBy" TEXT NOT NULL,
    "StartedAt" TEXT NOT NULL,
    "FinishedAt" TEXT NULL,
    "Status" TEXT NOT NULL,
    "Rows" INTEGER NOT NULL,
    "Added" INTEGER NOT NULL,
    "Updated" INTEGER NOT NULL,
    "Moved" INTEGER NOT NULL,
    "Deactivated" INTEGER NOT NULL,
    "Reactivated" INTEGER NOT NULL,
    "Unchanged" INTEGER NOT NULL,
    "Unassigned" INTEGER NOT NULL,
    "Errors" TEXT NULL,
    "Warnings" TEXT NULL
);

CREATE TABLE "organisation_settings" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_organisation_settings" PRIMARY KEY,
    "MunicipalityName" TEXT NOT NULL,
    "LeaderTitleEndings" TEXT NOT NULL
);

CREATE TABLE "account_agencies" (
    "AccountId" INTEGER NOT NULL,
    "AgencyId" INTEGER NOT NULL,
    CONSTRAINT "PK_account_agencies" PRIMARY KEY ("AccountId", "AgencyId"),
    CONSTRAINT "FK_account_agencies_accounts_AccountId" FOREIGN KEY ("AccountId") REFERENCES "accounts" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_account_agencies_agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "agencies" ("Id") ON DELETE CASCADE
);

CREATE TABLE "mapping_rules" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_mapping_rules" PRIMARY KEY AUTOINCREMENT,
    "Position" INTEGER NOT NULL,
    "Field" TEXT NOT NULL,
    "Operator" TEXT NOT NULL,
    "Value" TEXT NOT NULL,
    "AgencyId" INTEGER NOT NULL,
    "UnitFrom" TEXT NOT NULL,
    CONSTRAINT "FK_mapping_rules_agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "agencies" ("Id") ON DELETE CASCADE
);

CREATE TABLE "units" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_units" PRIMARY KEY AUTOINCREMENT,
    "AgencyId" INTEGER NOT NULL,
    "Name" TEXT NOT NULL,
    CONSTRAINT "FK_units_agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "agencies" ("Id") ON DELETE CASCADE
);

CREATE TABLE "people" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_people" PRIMARY KEY AUTOINCREMENT,
    "ObjectId" TEXT NULL,
    "UserPrincipalName" TEXT NOT NULL,
    "NormalizedUserPrincipalName" TEXT NOT NULL,
    "DisplayName" TEXT NOT NULL,
    "GivenName" TEXT NULL,
    "Surname" TEXT NULL,
    "Mail" TEXT NULL,
    "JobTitle" TEXT NULL,
    "Department" TEXT NULL,
    "CompanyName" TEXT NULL,
    "OfficeLocation" TEXT NULL,
    "City" TEXT NULL,
    "Country" TEXT NULL,
    "UsageLocation" TEXT NULL,
    "UserType" TEXT NULL,
    "AccountEnabled" INTEGER NOT NULL,
    "IsLeader" INTEGER NOT NULL,
    "AgencyId" INTEGER NULL,
    "UnitId" INTEGER NULL,
    "IsActive" INTEGER NOT NULL,
    "FirstSeenAt" TEXT NOT NULL,
    "DeactivatedAt" TEXT NULL,
    CONSTRAINT "FK_people_agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "agencies" ("Id") ON DELETE SET NULL,
    CONSTRAINT "FK_people_units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "units" ("Id") ON DELETE SET NULL
);

CREATE INDEX "IX_account_agencies_AgencyId" ON "account_agencies" ("AgencyId");

CREATE INDEX "IX_accounts_ExternalId" ON "accounts" ("ExternalId");

CREATE UNIQUE INDEX "IX_accounts_NormalizedUserName" ON "accounts" ("NormalizedUserName");

CREATE UNIQUE INDEX "IX_agencies_Code" ON "agencies" ("Code");

CREATE INDEX "IX_audit_log_At" ON "audit_log" ("At");

CREATE INDEX "IX_mapping_rules_AgencyId" ON "mapping_rules" ("AgencyId");

CREATE INDEX "IX_people_AgencyId_IsActive" ON "people" ("AgencyId", "IsActive");

CREATE INDEX "IX_people_NormalizedUserPrincipalName" ON "people" ("NormalizedUserPrincipalName");

CREATE INDEX "IX_people_ObjectId" ON "people" ("ObjectId");

CREATE INDEX "IX_people_UnitId" ON "people" ("UnitId");

CREATE UNIQUE INDEX "IX_units_AgencyId_Name" ON "units" ("AgencyId", "Name");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261126100635_Foundation', '10.0.15');

ALTER TABLE "accounts" ADD "FailedSignIns" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "accounts" ADD "LockedOutUntil" TEXT NULL;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261126102814_SignInLockout', '10.0.15');

CREATE TABLE "UsageActivity" (
    "Date" TEXT NOT NULL,
    "Workload" INTEGER NOT NULL,
    "Pseudonym" BLOB NOT NULL,
    "AgencyId" INTEGER NOT NULL,
    "LastActivity" TEXT NULL,
    CONSTRAINT "PK_UsageActivity" PRIMARY KEY ("Date", "Workload", "Pseudonym")
);

CREATE TABLE "UsageFigures" (
    "Date" TEXT NOT NULL,
    "Period" INTEGER NOT NULL,
    "Metric" TEXT NOT NULL,
    "AgencyId" INTEGER NOT NULL,
    "Value" INTEGER NOT NULL,
    "People" INTEGER NOT NULL,
    CONSTRAINT "PK_UsageFigures" PRIMARY KEY ("Metric", "Period", "Date", "AgencyId")
);

CREATE TABLE "UsageImports" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_UsageImports" PRIMARY KEY AUTOINCREMENT,
    "Report" TEXT NOT NULL,
    "ReportDate" TEXT NULL,
    "Period" INTEGER NOT NULL,
    "Source" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Sha256" TEXT NOT NULL,
    "Bytes" INTEGER NOT NULL,
    "ImportedBy" TEXT NOT NULL,
    "StartedAt" TEXT NOT NULL,
    "FinishedAt" TEXT NULL,
    "Status" TEXT NOT NULL,
    "IsCurrent" INTEGER NOT NULL,
    "Rows" INTEGER NOT NULL,
    "Matched" INTEGER NOT NULL,
    "Unmatched" INTEGER NOT NULL,
    "Skipped" INTEGER NOT NULL,
    "Concealment" TEXT NOT NULL,
    "Errors" TEXT NULL,
    "Warnings" TEXT NULL
);

CREATE INDEX "IX_UsageFigures_Date_Period" ON "UsageFigures" ("Date", "Period");

CREATE INDEX "IX_UsageImports_Report_ReportDate_Period_IsCurrent" ON "UsageImports" ("Report", "ReportDate", "Period", "IsCurrent");

CREATE INDEX "IX_UsageImports_StartedAt" ON "UsageImports" ("StartedAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261126112621_Usage', '10.0.15');

CREATE TABLE "BenefitGoals" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_BenefitGoals" PRIMARY KEY AUTOINCREMENT,
    "Name" TEXT NOT NULL,
    "Description" TEXT NULL,
    "SortOrder" INTEGER NOT NULL
);

CREATE TABLE "ClimateActivities" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ClimateActivities" PRIMARY KEY AUTOINCREMENT,
    "Year" INTEGER NOT NULL,
    "AgencyId" INTEGER NULL,
    "PrintedPages" INTEGER NOT NULL,
    "TravelKmAvoided" REAL NOT NULL,
    "EnteredBy" TEXT NOT NULL,
    "EnteredAt" TEXT NOT NULL
);

CREATE TABLE "ClimateFactors" (
    "Key" TEXT NOT NULL CONSTRAINT "PK_ClimateFactors" PRIMARY KEY,
    "Low" REAL NOT NULL,
    "Central" REAL NOT NULL,
    "High" REAL NOT NULL,
    "Source" TEXT NOT NULL,
    "ChangedAt" TEXT NOT NULL,
    "ChangedBy" TEXT NOT NULL
);

CREATE TABLE "Benefits" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Benefits" PRIMARY KEY AUTOINCREMENT,
    "GoalId" INTEGER NOT NULL,
    "Name" TEXT NOT NULL,
    "Description" TEXT NULL,
    "Owner" TEXT NOT NULL,
    "Start" TEXT NOT NULL,
    "End" TEXT NOT NULL,
    "Priced" INTEGER NOT NULL,
    "Quantitative" INTEGER NOT NULL,
    "DependsOn" TEXT NULL,
    "Risks" TEXT NULL,
    CONSTRAINT "FK_Benefits_BenefitGoals_GoalId" FOREIGN KEY ("GoalId") REFERENCES "BenefitGoals" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "BenefitAgencies" (
    "BenefitId" INTEGER NOT NULL,
    "AgencyId" INTEGER NOT NULL,
    CONSTRAINT "PK_BenefitAgencies" PRIMARY KEY ("BenefitId", "AgencyId"),
    CONSTRAINT "FK_BenefitAgencies_Benefits_BenefitId" FOREIGN KEY ("BenefitId") REFERENCES "Benefits" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_BenefitAgencies_agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "agencies" ("Id") ON DELETE CASCADE
);

CREATE TABLE "Indicators" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Indicators" PRIMARY KEY AUTOINCREMENT,
    "BenefitId" INTEGER NOT NULL,
    "Name" TEXT NOT NULL,
    "Definition" TEXT NULL,
    "Unit" TEXT NOT NULL,
    "HigherIsBetter" INTEGER NOT NULL,
    "Source" TEXT NOT NULL,
    "UsageMeasure" TEXT NULL,
    "BaselineValue" REAL NOT NULL,
    "BaselineDate" TEXT NOT NULL,
    "Schedule" TEXT NOT NULL,
    "MinValue" REAL NULL,
    "MaxValue" REAL NULL,
    "HoursPerUnit" REAL NULL,
    CONSTRAINT "FK_Indicators_Benefits_BenefitId" FOREIGN KEY ("BenefitId") REFERENCES "Benefits" ("Id") ON DELETE CASCADE
);

CREATE TABLE "IndicatorTargets" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_IndicatorTargets" PRIMARY KEY AUTOINCREMENT,
    "IndicatorId" INTEGER NOT NULL,
    "Date" TEXT NOT NULL,
    "Value" REAL NOT NULL,
    CONSTRAINT "FK_IndicatorTargets_Indicators_IndicatorId" FOREIGN KEY ("IndicatorId") REFERENCES "Indicators" ("Id") ON DELETE CASCADE
);

CREATE TABLE "Measurements" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Measurements" PRIMARY KEY AUTOINCREMENT,
    "IndicatorId" INTEGER NOT NULL,
    "AgencyId" INTEGER NULL,
    "Date" TEXT NOT NULL,
    "Value" REAL NOT NULL,
    "Automatic" INTEGER NOT NULL,
    "Comment" TEXT NULL,
    "EnteredBy" TEXT NOT NULL,
    "EnteredAt" TEXT NOT NULL,
    CONSTRAINT "FK_Measurements_Indicators_IndicatorId" FOREIGN KEY ("IndicatorId") REFERENCES "Indicators" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_BenefitAgencies_AgencyId" ON "BenefitAgencies" ("AgencyId");

CREATE INDEX "IX_Benefits_GoalId" ON "Benefits" ("GoalId");

CREATE INDEX "IX_ClimateActivities_Year_AgencyId" ON "ClimateActivities" ("Year", "AgencyId");

CREATE INDEX "IX_Indicators_BenefitId" ON "Indicators" ("BenefitId");

CREATE UNIQUE INDEX "IX_IndicatorTargets_IndicatorId_Date" ON "IndicatorTargets" ("IndicatorId", "Date");

CREATE INDEX "IX_Measurements_IndicatorId_AgencyId_Date" ON "Measurements" ("IndicatorId", "AgencyId", "Date");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261126144506_Benefits', '10.0.15');

CREATE TABLE "KnowledgeItems" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_KnowledgeItems" PRIMARY KEY AUTOINCREMENT,
    "SourceKey" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "Url" TEXT NOT NULL,
    "ProgrammeId" INTEGER NULL,
    "ProgrammeName" TEXT NULL,
    "Date" TEXT NULL,
    "Length" INTEGER NOT NULL
);

CREATE TABLE "KnowledgeItemPassages" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_KnowledgeItemPassages" PRIMARY KEY AUTOINCREMENT,
    "ItemId" INTEGER NOT NULL,
    "Ordinal" INTEGER NOT NULL,
    "Text" TEXT NOT NULL,
    "Anchor" TEXT NULL,
    CONSTRAINT "FK_KnowledgeItemPassages_KnowledgeItems_ItemId" FOREIGN KEY ("ItemId") REFERENCES "KnowledgeItems" ("Id") ON DELETE CASCADE
);

CREATE TABLE "KnowledgeItemTags" (
    "ItemId" INTEGER NOT NULL,
    "Kind" TEXT NOT NULL,
    "Key" TEXT NOT NULL,
    "Value" TEXT NOT NULL,
    CONSTRAINT "PK_KnowledgeItemTags" PRIMARY KEY ("ItemId", "Kind", "Key"),
    CONSTRAINT "FK_KnowledgeItemTags_KnowledgeItems_ItemId" FOREIGN KEY ("ItemId") REFERENCES "KnowledgeItems" ("Id") ON DELETE CASCADE
);

CREATE TABLE "KnowledgePassagePostings" (
    "ItemId" INTEGER NOT NULL,
    "Term" TEXT NOT NULL,
    "PassageId" INTEGER NOT NULL,
    "Frequency" INTEGER NOT NULL,
    CONSTRAINT "PK_KnowledgePassagePostings" PRIMARY KEY ("ItemId", "Term", "PassageId"),
    CONSTRAINT "FK_KnowledgePassagePostings_KnowledgeItems_ItemId" FOREIGN KEY ("ItemId") REFERENCES "KnowledgeItems" ("Id") ON DELETE CASCADE
);

CREATE TABLE "KnowledgePostings" (
    "Term" TEXT NOT NULL,
    "ItemId" INTEGER NOT NULL,
    "Frequency" INTEGER NOT NULL,
    "Length" INTEGER NOT NULL,
    CONSTRAINT "PK_KnowledgePostings" PRIMARY KEY ("Term", "ItemId"),
    CONSTRAINT "FK_KnowledgePostings_KnowledgeItems_ItemId" FOREIGN KEY ("ItemId") REFERENCES "KnowledgeItems" ("Id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_KnowledgeItemPassages_ItemId_Ordinal" ON "KnowledgeItemPassages" ("ItemId", "Ordinal");

CREATE INDEX "IX_KnowledgeItems_Date" ON "KnowledgeItems" ("Date");

CREATE INDEX "IX_KnowledgeItems_Length" ON "KnowledgeItems" ("Length");

CREATE INDEX "IX_KnowledgeItems_ProgrammeId" ON "KnowledgeItems" ("ProgrammeId");

CREATE UNIQUE INDEX "IX_KnowledgeItems_SourceKey" ON "KnowledgeItems" ("SourceKey");

CREATE INDEX "IX_KnowledgeItemTags_Kind_Key_ItemId" ON "KnowledgeItemTags" ("Kind", "Key", "ItemId");

CREATE INDEX "IX_KnowledgePassagePostings_Covering" ON "KnowledgePassagePostings" ("ItemId", "Term", "PassageId", "Frequency");

CREATE INDEX "IX_KnowledgePostings_Covering" ON "KnowledgePostings" ("Term", "ItemId", "Frequency", "Length");

CREATE INDEX "IX_KnowledgePostings_ItemId" ON "KnowledgePostings" ("ItemId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261126161216_Knowledge', '10.0.15');

CREATE TABLE "learning_calendar_feeds" (
    "PersonId" INTEGER NOT NULL CONSTRAINT "PK_learning_calendar_feeds" PRIMARY KEY,
    "Token" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_learning_calendar_feeds_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);

CREATE TABLE "learning_outgoing_mail" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_learning_outgoing_mail" PRIMARY KEY AUTOINCREMENT,
    "To" TEXT NOT NULL,
    "Subject" TEXT NOT NULL,
    "Body" TEXT NOT NULL,
    "Calendar" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "SentAt" TEXT NULL,
    "Attempts" INTEGER NOT NULL,
    "LastError" TEXT NULL
);

CREATE TABLE "learning_programmes" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_learning_programmes" PRIMARY KEY AUTOINCREMENT,
    "Name" TEXT NOT NULL,
    "Description" TEXT NOT NULL,
    "OwnerName" TEXT NOT NULL,
    "OwnerAccount" TEXT NULL,
    "OwnerAgencyId" INTEGER NULL,
    "Audience" TEXT NOT NULL,
    "Topics" TEXT NOT NULL,
    "Tools" TEXT NOT NULL,
    "FeedToken" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_learning_programmes_agencies_OwnerAgencyId" FOREIGN KEY ("OwnerAgencyId") REFERENCES "agencies" ("Id") ON DELETE SET NULL
);

CREATE TABLE "learning_cohorts" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_learning_cohorts" PRIMARY KEY AUTOINCREMENT,
    "ProgrammeId" INTEGER NOT NULL,
    "Name" TEXT NOT NULL,
    "StartsOn" TEXT NULL,
    CONSTRAINT "FK_learning_cohorts_learning_programmes_ProgrammeId" FOREIGN KEY ("ProgrammeId") REFERENCES "learning_programmes" ("Id") ON DELETE CASCADE
);

CREATE TABLE "learning_modules" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_learning_modules" PRIMARY KEY AUTOINCREMENT,
    "ProgrammeId" INTEGER NOT NULL,
    "Position" INTEGER NOT NULL,
    "Title" TEXT NOT NULL,
    "Description" TEXT NOT NULL,
    CONSTRAINT "FK_learning_modules_learning_programmes_ProgrammeId" FOREIGN KEY ("ProgrammeId") REFERENCES "learning_programmes" ("Id") ON DELETE CASCADE
);

CREATE TABLE "learning_programme_agencies" (
    "ProgrammeId" INTEGER NOT NULL,
    "AgencyId" INTEGER NOT NULL,
    CONSTRAINT "PK_learning_programme_agencies" PRIMARY KEY ("ProgrammeId", "AgencyId"),
    CONSTRAINT "FK_learning_programme_agencies_agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "agencies" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_learning_programme_agencies_learning_programmes_ProgrammeId" FOREIGN KEY ("ProgrammeId") REFERENCES "learning_programmes" ("Id") ON DELETE CASCADE
);

CREATE TABLE "learning_participants" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_learning_participants" PRIMARY KEY AUTOINCREMENT,
    "ProgrammeId" INTEGER NOT NULL,
    "PersonId" INTEGER NOT NULL,
    "CohortId" INTEGER NULL,
    "JoinedAt" TEXT NOT NULL,
    CONSTRAINT "FK_learning_participants_learning_cohorts_CohortId" FOREIGN KEY ("CohortId") REFERENCES "learning_cohorts" ("Id") ON DELETE SET NULL,
    CONSTRAINT "FK_learning_participants_learning_programmes_ProgrammeId" FOREIGN KEY ("ProgrammeId") REFERENCES "learning_programmes" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_learning_participants_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);

CREATE TABLE "learning_sessions" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_learning_sessions" PRIMARY KEY AUTOINCREMENT,
    "ProgrammeId" INTEGER NOT NULL,
    "ModuleId" INTEGER NULL,
    "SeriesKey" TEXT NULL,
    "Title" TEXT NOT NULL,
    "Description" TEXT NOT NULL,
    "StartsAt" TEXT NOT NULL,
    "EndsAt" TEXT NOT NULL,
    "Mode" TEXT NOT NULL,
    "Location" TEXT NULL,
    "TeamsUrl" TEXT NULL,
    "Capacity" INTEGER NULL,
    "CalendarUid" TEXT NOT NULL,
    "CalendarSequence" INTEGER NOT NULL,
    "CancelledAt" TEXT NULL,
    "RegistrationVersion" INTEGER NOT NULL,
    CONSTRAINT "FK_learning_sessions_learning_modules_ModuleId" FOREIGN KEY ("ModuleId") REFERENCES "learning_modules" ("Id") ON DELETE SET NULL,
    CONSTRAINT "FK_learning_sessions_learning_programmes_ProgrammeId" FOREIGN KEY ("ProgrammeId") REFERENCES "learning_programmes" ("Id") ON DELETE CASCADE
);

CREATE TABLE "learning_attendance_imports" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_learning_attendance_imports" PRIMARY KEY AUTOINCREMENT,
    "SessionId" INTEGER NOT NULL,
    "FileName" TEXT NOT NULL,
    "MeetingTitle" TEXT NULL,
    "ImportedAt" TEXT NOT NULL,
    "ImportedBy" TEXT NOT NULL,
    "Attendees" INTEGER NOT NULL,
    "Matched" INTEGER NOT NULL,
    "Guests" INTEGER NOT NULL,
    CONSTRAINT "FK_learning_attendance_imports_learning_sessions_SessionId" FOREIGN KEY ("SessionId") REFERENCES "learning_sessions" ("Id") ON DELETE CASCADE
);

CREATE TABLE "learning_documents" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_learning_documents" PRIMARY KEY AUTOINCREMENT,
    "ProgrammeId" INTEGER NOT NULL,
    "SessionId" INTEGER NULL,
    "Title" TEXT NOT NULL,
    "FileName" TEXT NOT NULL,
    "ContentType" TEXT NOT NULL,
    "Bytes" INTEGER NOT NULL,
    "StoredName" TEXT NOT NULL,
    "UploadedAt" TEXT NOT NULL,
    "UploadedBy" TEXT NOT NULL,
    CONSTRAINT "FK_learning_documents_learning_programmes_ProgrammeId" FOREIGN KEY ("ProgrammeId") REFERENCES "learning_programmes" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_learning_documents_learning_sessions_SessionId" FOREIGN KEY ("SessionId") REFERENCES "learning_sessions" ("Id") ON DELETE SET NULL
);

CREATE TABLE "learning_feedback" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_learning_feedback" PRIMARY KEY AUTOINCREMENT,
    "SessionId" INTEGER NOT NULL,
    "PersonId" INTEGER NOT NULL,
    "Rating" INTEGER NOT NULL,
    "Comment" TEXT NULL,
    "GivenAt" TEXT NOT NULL,
    CONSTRAINT "FK_learning_feedback_learning_sessions_SessionId" FOREIGN KEY ("SessionId") REFERENCES "learning_sessions" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_learning_feedback_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);

CREATE TABLE "learning_recordings" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_learning_recordings" PRIMARY KEY AUTOINCREMENT,
    "ProgrammeId" INTEGER NOT NULL,
    "SessionId" INTEGER NULL,
    "Title" TEXT NOT NULL,
    "Url" TEXT NOT NULL,
    "DurationSeconds" INTEGER NOT NULL,
    "Views" INTEGER NULL,
    "TranscriptFileName" TEXT NULL,
    "Transcript" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_learning_recordings_learning_programmes_ProgrammeId" FOREIGN KEY ("ProgrammeId") REFERENCES "learning_programmes" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_learning_recordings_learning_sessions_SessionId" FOREIGN KEY ("SessionId") REFERENCES "learning_sessions" ("Id") ON DELETE SET NULL
);

CREATE TABLE "learning_registrations" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_learning_registrations" PRIMARY KEY AUTOINCREMENT,
    "SessionId" INTEGER NOT NULL,
    "PersonId" INTEGER NOT NULL,
    "Status" TEXT NOT NULL,
    "RegisteredAt" TEXT NOT NULL,
    "Position" INTEGER NOT NULL,
    "CancelledAt" TEXT NULL,
    "RegisteredBy" TEXT NOT NULL,
    "ReminderSentAt" TEXT NULL,
    CONSTRAINT "FK_learning_registrations_learning_sessions_SessionId" FOREIGN KEY ("SessionId") REFERENCES "learning_sessions" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_learning_registrations_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);

CREATE TABLE "learning_attendance" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_learning_attendance" PRIMARY KEY AUTOINCREMENT,
    "SessionId" INTEGER NOT NULL,
    "ImportId" INTEGER NOT NULL,
    "PersonId" INTEGER NULL,
    "Name" TEXT NOT NULL,
    "Email" TEXT NULL,
    "ParticipantId" TEXT NULL,
    "Role" TEXT NULL,
    "FirstJoin" TEXT NULL,
    "LastLeave" TEXT NULL,
    "DurationSeconds" INTEGER NOT NULL,
    CONSTRAINT "FK_learning_attendance_learning_attendance_imports_ImportId" FOREIGN KEY ("ImportId") REFERENCES "learning_attendance_imports" ("Id"),
    CONSTRAINT "FK_learning_attendance_learning_sessions_SessionId" FOREIGN KEY ("SessionId") REFERENCES "learning_sessions" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_learning_attendance_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE SET NULL
);

CREATE INDEX "IX_learning_attendance_ImportId" ON "learning_attendance" ("ImportId");

CREATE INDEX "IX_learning_attendance_PersonId" ON "learning_attendance" ("PersonId");

CREATE INDEX "IX_learning_attendance_SessionId" ON "learning_attendance" ("SessionId");

CREATE INDEX "IX_learning_attendance_imports_SessionId" ON "learning_attendance_imports" ("SessionId");

CREATE UNIQUE INDEX "IX_learning_calendar_feeds_Token" ON "learning_calendar_feeds" ("Token");

CREATE INDEX "IX_learning_cohorts_ProgrammeId" ON "learning_cohorts" ("ProgrammeId");

CREATE INDEX "IX_learning_documents_ProgrammeId" ON "learning_documents" ("ProgrammeId");

CREATE INDEX "IX_learning_documents_SessionId" ON "learning_documents" ("SessionId");

CREATE INDEX "IX_learning_feedback_PersonId" ON "learning_feedback" ("PersonId");

CREATE UNIQUE INDEX "IX_learning_feedback_SessionId_PersonId" ON "learning_feedback" ("SessionId", "PersonId");

CREATE INDEX "IX_learning_modules_ProgrammeId" ON "learning_modules" ("ProgrammeId");

CREATE INDEX "IX_learning_outgoing_mail_SentAt" ON "learning_outgoing_mail" ("SentAt");

CREATE INDEX "IX_learning_participants_CohortId" ON "learning_participants" ("CohortId");

CREATE INDEX "IX_learning_participants_PersonId" ON "learning_participants" ("PersonId");

CREATE UNIQUE INDEX "IX_learning_participants_ProgrammeId_PersonId" ON "learning_participants" ("ProgrammeId", "PersonId");

CREATE INDEX "IX_learning_programme_agencies_AgencyId" ON "learning_programme_agencies" ("AgencyId");

CREATE UNIQUE INDEX "IX_learning_programmes_FeedToken" ON "learning_programmes" ("FeedToken");

CREATE INDEX "IX_learning_programmes_OwnerAgencyId" ON "learning_programmes" ("OwnerAgencyId");

CREATE INDEX "IX_learning_recordings_ProgrammeId" ON "learning_recordings" ("ProgrammeId");

CREATE INDEX "IX_learning_recordings_SessionId" ON "learning_recordings" ("SessionId");

CREATE INDEX "IX_learning_registrations_PersonId" ON "learning_registrations" ("PersonId");

CREATE UNIQUE INDEX "IX_learning_registrations_SessionId_PersonId" ON "learning_registrations" ("SessionId", "PersonId");

CREATE UNIQUE INDEX "IX_learning_sessions_CalendarUid" ON "learning_sessions" ("CalendarUid");

CREATE INDEX "IX_learning_sessions_ModuleId" ON "learning_sessions" ("ModuleId");

CREATE INDEX "IX_learning_sessions_ProgrammeId_StartsAt" ON "learning_sessions" ("ProgrammeId", "StartsAt");

CREATE INDEX "IX_learning_sessions_StartsAt" ON "learning_sessions" ("StartsAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261126164103_Learning', '10.0.15');

CREATE TABLE "SourceShares" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_SourceShares" PRIMARY KEY AUTOINCREMENT,
    "AgencyId" INTEGER NOT NULL,
    "Name" TEXT NOT NULL,
    "SourcePath" TEXT NULL,
    "Kind" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    CONSTRAINT "FK_SourceShares_agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "agencies" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "ShareMappings" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ShareMappings" PRIMARY KEY AUTOINCREMENT,
    "ShareId" INTEGER NOT NULL,
    "SourceFolder" TEXT NOT NULL,
    "TargetKind" TEXT NOT NULL,
    "SiteUrl" TEXT NOT NULL,
    "Library" TEXT NOT NULL,
    "TargetFolder" TEXT NOT NULL,
    "State" TEXT NOT NULL,
    "StateChangedAt" TEXT NOT NULL,
    "StateChangedBy" TEXT NOT NULL,
    "Note" TEXT NULL,
    CONSTRAINT "FK_ShareMappings_SourceShares_ShareId" FOREIGN KEY ("ShareId") REFERENCES "SourceShares" ("Id") ON DELETE CASCADE
);

CREATE TABLE "ShareScans" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ShareScans" PRIMARY KEY AUTOINCREMENT,
    "ShareId" INTEGER NOT NULL,
    "UploadedAt" TEXT NOT NULL,
    "UploadedBy" TEXT NOT NULL,
    "ScannedAt" TEXT NOT NULL,
    "Root" TEXT NOT NULL,
    "Folders" INTEGER NOT NULL,
    "Files" INTEGER NOT NULL,
    "Bytes" INTEGER NOT NULL,
    "Blockers" INTEGER NOT NULL,
    "Warnings" INTEGER NOT NULL,
    "ScanProblems" INTEGER NOT NULL,
    "CleanupFiles" INTEGER NOT NULL,
    "CleanupBytes" INTEGER NOT NULL,
    "Duplicates" INTEGER NOT NULL,
    "StoredName" TEXT NOT NULL,
    "Sha256" TEXT NOT NULL,
    "FileBytes" INTEGER NOT NULL,
    CONSTRAINT "FK_ShareScans_SourceShares_ShareId" FOREIGN KEY ("ShareId") REFERENCES "SourceShares" ("Id") ON DELETE CASCADE
);

CREATE TABLE "ShareMappingChanges" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ShareMappingChanges" PRIMARY KEY AUTOINCREMENT,
    "MappingId" INTEGER NOT NULL,
    "State" TEXT NOT NULL,
    "At" TEXT NOT NULL,
    "By" TEXT NOT NULL,
    CONSTRAINT "FK_ShareMappingChanges_ShareMappings_MappingId" FOREIGN KEY ("MappingId") REFERENCES "ShareMappings" ("Id") ON DELETE CASCADE
);

CREATE TABLE "ShareScanFolders" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ShareScanFolders" PRIMARY KEY AUTOINCREMENT,
    "ScanId" INTEGER NOT NULL,
    "Path" TEXT NOT NULL,
    "Depth" INTEGER NOT NULL,
    "Files" INTEGER NOT NULL,
    "Folders" INTEGER NOT NULL,
    "Bytes" INTEGER NOT NULL,
    "NameBlockers" INTEGER NOT NULL,
    "Warnings" INTEGER NOT NULL,
    "CleanupFiles" INTEGER NOT NULL,
    "CleanupBytes" INTEGER NOT NULL,
    "MaxFolderItems" INTEGER NOT NULL,
    "HasFormsFolder" INTEGER NOT NULL,
    "NewestModified" TEXT NULL,
    "Lengths" TEXT NOT NULL,
    CONSTRAINT "FK_ShareScanFolders_ShareScans_ScanId" FOREIGN KEY ("ScanId") REFERENCES "ShareScans" ("Id") ON DELETE CASCADE
);

CREATE TABLE "ShareScanTallies" (
    "ScanId" INTEGER NOT NULL,
    "Category" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Items" INTEGER NOT NULL,
    "Bytes" INTEGER NOT NULL,
    CONSTRAINT "PK_ShareScanTallies" PRIMARY KEY ("ScanId", "Category", "Kind"),
    CONSTRAINT "FK_ShareScanTallies_ShareScans_ScanId" FOREIGN KEY ("ScanId") REFERENCES "ShareScans" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_ShareMappingChanges_MappingId_At" ON "ShareMappingChanges" ("MappingId", "At");

CREATE INDEX "IX_ShareMappings_ShareId" ON "ShareMappings" ("ShareId");

CREATE INDEX "IX_ShareScanFolders_ScanId_Depth" ON "ShareScanFolders" ("ScanId", "Depth");

CREATE UNIQUE INDEX "IX_ShareScans_ShareId_Sha256" ON "ShareScans" ("ShareId", "Sha256");

CREATE UNIQUE INDEX "IX_SourceShares_AgencyId_Name" ON "SourceShares" ("AgencyId", "Name");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261126175155_ShareMigrationPlan', '10.0.15');

CREATE TABLE "Surveys" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Surveys" PRIMARY KEY AUTOINCREMENT,
    "Name" TEXT NOT NULL,
    "Description" TEXT NULL,
    "RecurrenceMonths" INTEGER NULL,
    "CreatedAt" TEXT NOT NULL,
    "CreatedBy" TEXT NOT NULL
);

CREATE TABLE "SurveyRounds" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_SurveyRounds" PRIMARY KEY AUTOINCREMENT,
    "SurveyId" INTEGER NOT NULL,
    "Number" INTEGER NOT NULL,
    "Name" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Population" TEXT NOT NULL,
    "PopulationAgencyId" INTEGER NULL,
    "PopulationUnitId" INTEGER NULL,
    "OpensAt" TEXT NOT NULL,
    "ClosesAt" TEXT NOT NULL,
    "SentAt" TEXT NULL,
    "RemindedAt" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    CONSTRAINT "FK_SurveyRounds_Surveys_SurveyId" FOREIGN KEY ("SurveyId") REFERENCES "Surveys" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_SurveyRounds_agencies_PopulationAgencyId" FOREIGN KEY ("PopulationAgencyId") REFERENCES "agencies" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_SurveyRounds_units_PopulationUnitId" FOREIGN KEY ("PopulationUnitId") REFERENCES "units" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "SurveyThemes" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_SurveyThemes" PRIMARY KEY AUTOINCREMENT,
    "SurveyId" INTEGER NOT NULL,
    "Key" TEXT NOT NULL,
    "NameNb" TEXT NOT NULL,
    "NameEn" TEXT NOT NULL,
    "SortOrder" INTEGER NOT NULL,
    CONSTRAINT "FK_SurveyThemes_Surveys_SurveyId" FOREIGN KEY ("SurveyId") REFERENCES "Surveys" ("Id") ON DELETE CASCADE
);

CREATE TABLE "SurveyImports" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_SurveyImports" PRIMARY KEY AUTOINCREMENT,
    "RoundId" INTEGER NOT NULL,
    "FileName" TEXT NOT NULL,
    "Sha256" TEXT NOT NULL,
    "Rows" INTEGER NOT NULL,
    "ImportedAt" TEXT NOT NULL,
    "ImportedBy" TEXT NOT NULL,
    CONSTRAINT "FK_SurveyImports_SurveyRounds_RoundId" FOREIGN KEY ("RoundId") REFERENCES "SurveyRounds" ("Id") ON DELETE CASCADE
);

CREATE TABLE "SurveyInvitations" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_SurveyInvitations" PRIMARY KEY AUTOINCREMENT,
    "RoundId" INTEGER NOT NULL,
    "PersonId" INTEGER NOT NULL,
    "TokenHash" TEXT NOT NULL,
    "GroupAgencyId" INTEGER NULL,
    "RemindedAt" TEXT NULL,
    "Used" INTEGER NOT NULL,
    CONSTRAINT "FK_SurveyInvitations_SurveyRounds_RoundId" FOREIGN KEY ("RoundId") REFERENCES "SurveyRounds" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_SurveyInvitations_agencies_GroupAgencyId" FOREIGN KEY ("GroupAgencyId") REFERENCES "agencies" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_SurveyInvitations_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);

CREATE TABLE "SurveyRoundGroups" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_SurveyRoundGroups" PRIMARY KEY AUTOINCREMENT,
    "RoundId" INTEGER NOT NULL,
    "AgencyId" INTEGER NULL,
    "Invited" INTEGER NOT NULL,
    CONSTRAINT "FK_SurveyRoundGroups_SurveyRounds_RoundId" FOREIGN KEY ("RoundId") REFERENCES "SurveyRounds" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_SurveyRoundGroups_agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "agencies" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "SurveyQuestions" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_SurveyQuestions" PRIMARY KEY AUTOINCREMENT,
    "SurveyId" INTEGER NOT NULL,
    "ThemeId" INTEGER NULL,
    "SortOrder" INTEGER NOT NULL,
    "Kind" TEXT NOT NULL,
    "LibraryKey" TEXT NULL,
    "TextNb" TEXT NOT NULL,
    "TextEn" TEXT NOT NULL,
    "ScaleMax" INTEGER NOT NULL,
    "OptionsNb" TEXT NULL,
    "OptionsEn" TEXT NULL,
    "Required" INTEGER NOT NULL,
    CONSTRAINT "FK_SurveyQuestions_SurveyThemes_ThemeId" FOREIGN KEY ("ThemeId") REFERENCES "SurveyThemes" ("Id") ON DELETE SET NULL,
    CONSTRAINT "FK_SurveyQuestions_Surveys_SurveyId" FOREIGN KEY ("SurveyId") REFERENCES "Surveys" ("Id") ON DELETE CASCADE
);

CREATE TABLE "SurveyResponses" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_SurveyResponses" PRIMARY KEY,
    "RoundId" INTEGER NOT NULL,
    "AgencyId" INTEGER NULL,
    "ImportId" INTEGER NULL,
    CONSTRAINT "FK_SurveyResponses_SurveyImports_ImportId" FOREIGN KEY ("ImportId") REFERENCES "SurveyImports" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_SurveyResponses_SurveyRounds_RoundId" FOREIGN KEY ("RoundId") REFERENCES "SurveyRounds" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_SurveyResponses_agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "agencies" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "SurveyAnswers" (
    "ResponseId" TEXT NOT NULL,
    "QuestionId" INTEGER NOT NULL,
    "Choice" INTEGER NOT NULL,
    "Value" INTEGER NULL,
    "Text" TEXT NULL,
    CONSTRAINT "PK_SurveyAnswers" PRIMARY KEY ("ResponseId", "QuestionId", "Choice"),
    CONSTRAINT "FK_SurveyAnswers_SurveyQuestions_QuestionId" FOREIGN KEY ("QuestionId") REFERENCES "SurveyQuestions" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_SurveyAnswers_SurveyResponses_ResponseId" FOREIGN KEY ("ResponseId") REFERENCES "SurveyResponses" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_SurveyAnswers_QuestionId" ON "SurveyAnswers" ("QuestionId");

CREATE UNIQUE INDEX "IX_SurveyImports_RoundId_Sha256" ON "SurveyImports" ("RoundId", "Sha256");

CREATE INDEX "IX_SurveyInvitations_GroupAgencyId" ON "SurveyInvitations" ("GroupAgencyId");

CREATE INDEX "IX_SurveyInvitations_PersonId" ON "SurveyInvitations" ("PersonId");

CREATE UNIQUE INDEX "IX_SurveyInvitations_RoundId_PersonId" ON "SurveyInvitations" ("RoundId", "PersonId");

CREATE UNIQUE INDEX "IX_SurveyInvitations_TokenHash" ON "SurveyInvitations" ("TokenHash");

CREATE INDEX "IX_SurveyQuestions_SurveyId_SortOrder" ON "SurveyQuestions" ("SurveyId", "SortOrder");

CREATE INDEX "IX_SurveyQuestions_ThemeId" ON "SurveyQuestions" ("ThemeId");

CREATE INDEX "IX_SurveyResponses_AgencyId" ON "SurveyResponses" ("AgencyId");

CREATE INDEX "IX_SurveyResponses_ImportId" ON "SurveyResponses" ("ImportId");

CREATE INDEX "IX_SurveyResponses_RoundId_AgencyId" ON "SurveyResponses" ("RoundId", "AgencyId");

CREATE INDEX "IX_SurveyRoundGroups_AgencyId" ON "SurveyRoundGroups" ("AgencyId");

CREATE UNIQUE INDEX "IX_SurveyRoundGroups_RoundId_AgencyId" ON "SurveyRoundGroups" ("RoundId", "AgencyId");

CREATE INDEX "IX_SurveyRounds_PopulationAgencyId" ON "SurveyRounds" ("PopulationAgencyId");

CREATE INDEX "IX_SurveyRounds_PopulationUnitId" ON "SurveyRounds" ("PopulationUnitId");

CREATE UNIQUE INDEX "IX_SurveyRounds_SurveyId_Number" ON "SurveyRounds" ("SurveyId", "Number");

CREATE UNIQUE INDEX "IX_Surveys_Name" ON "Surveys" ("Name");

CREATE UNIQUE INDEX "IX_SurveyThemes_SurveyId_Key" ON "SurveyThemes" ("SurveyId", "Key");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261205104350_Surveys', '10.0.15');

CREATE TABLE "learning_feedback_given" (
    "SessionId" INTEGER NOT NULL,
    "PersonId" INTEGER NOT NULL,
    CONSTRAINT "PK_learning_feedback_given" PRIMARY KEY ("SessionId", "PersonId"),
    CONSTRAINT "FK_learning_feedback_given_learning_sessions_SessionId" FOREIGN KEY ("SessionId") REFERENCES "learning_sessions" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_learning_feedback_given_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);

INSERT INTO learning_feedback_given ("SessionId", "PersonId") SELECT DISTINCT "SessionId", "PersonId" FROM learning_feedback;

UPDATE learning_feedback SET "GivenAt" = substr("GivenAt", 1, 10) || ' 00:00:00';

DROP INDEX "IX_learning_feedback_PersonId";

DROP INDEX "IX_learning_feedback_SessionId_PersonId";

CREATE INDEX "IX_learning_feedback_SessionId" ON "learning_feedback" ("SessionId");

CREATE INDEX "IX_learning_feedback_given_PersonId" ON "learning_feedback_given" ("PersonId");

CREATE TABLE "ef_temp_learning_feedback" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_learning_feedback" PRIMARY KEY AUTOINCREMENT,
    "Comment" TEXT NULL,
    "GivenAt" TEXT NOT NULL,
    "Rating" INTEGER NOT NULL,
    "SessionId" INTEGER NOT NULL,
    CONSTRAINT "FK_learning_feedback_learning_sessions_SessionId" FOREIGN KEY ("SessionId") REFERENCES "learning_sessions" ("Id") ON DELETE CASCADE
);

INSERT INTO "ef_temp_learning_feedback" ("Id", "Comment", "GivenAt", "Rating", "SessionId")
SELECT "Id", "Comment", "GivenAt", "Rating", "SessionId"
FROM "learning_feedback";

PRAGMA foreign_keys = 0;

DROP TABLE "learning_feedback";

ALTER TABLE "ef_temp_learning_feedback" RENAME TO "learning_feedback";

PRAGMA foreign_keys = 1;

CREATE INDEX "IX_learning_feedback_SessionId" ON "learning_feedback" ("SessionId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261205110755_SecurityPrivacy', '10.0.15');

ALTER TABLE "accounts" ADD "SecurityStamp" TEXT NOT NULL DEFAULT '';

CREATE TABLE "data_protection_keys" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_data_protection_keys" PRIMARY KEY AUTOINCREMENT,
    "Name" TEXT NOT NULL,
    "Xml" TEXT NOT NULL,
    "StoredAt" TEXT NOT NULL
);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261205111017_SecuritySessions', '10.0.15');

CREATE TABLE "Processes" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Processes" PRIMARY KEY AUTOINCREMENT,
    "Name" TEXT NOT NULL,
    "Description" TEXT NULL,
    "OwnerAgencyId" INTEGER NOT NULL,
    "ContactPerson" TEXT NOT NULL,
    "CurrentWay" TEXT NOT NULL,
    "Target" TEXT NOT NULL,
    "VolumePerYear" INTEGER NOT NULL,
    "VolumeUnit" TEXT NOT NULL,
    "State" TEXT NOT NULL,
    "RegisteredOn" TEXT NOT NULL,
    "MovedOn" TEXT NULL,
    "StateChangedAt" TEXT NOT NULL,
    "StateChangedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    CONSTRAINT "FK_Processes_agencies_OwnerAgencyId" FOREIGN KEY ("OwnerAgencyId") REFERENCES "agencies" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "ProcessAgencies" (
    "ProcessId" INTEGER NOT NULL,
    "AgencyId" INTEGER NOT NULL,
    CONSTRAINT "PK_ProcessAgencies" PRIMARY KEY ("ProcessId", "AgencyId"),
    CONSTRAINT "FK_ProcessAgencies_Processes_ProcessId" FOREIGN KEY ("ProcessId") REFERENCES "Processes" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_ProcessAgencies_agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "agencies" ("Id") ON DELETE CASCADE
);

CREATE TABLE "ProcessBenefits" (
    "ProcessId" INTEGER NOT NULL,
    "BenefitId" INTEGER NOT NULL,
    CONSTRAINT "PK_ProcessBenefits" PRIMARY KEY ("ProcessId", "BenefitId"),
    CONSTRAINT "FK_ProcessBenefits_Benefits_BenefitId" FOREIGN KEY ("BenefitId") REFERENCES "Benefits" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_ProcessBenefits_Processes_ProcessId" FOREIGN KEY ("ProcessId") REFERENCES "Processes" ("Id") ON DELETE CASCADE
);

CREATE TABLE "ProcessMeasures" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ProcessMeasures" PRIMARY KEY AUTOINCREMENT,
    "ProcessId" INTEGER NOT NULL,
    "Phase" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Value" REAL NOT NULL,
    "SampleCases" INTEGER NULL,
    "EnteredBy" TEXT NOT NULL,
    "EnteredAt" TEXT NOT NULL,
    CONSTRAINT "FK_ProcessMeasures_Processes_ProcessId" FOREIGN KEY ("ProcessId") REFERENCES "Processes" ("Id") ON DELETE CASCADE
);

CREATE TABLE "ProcessStateChanges" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ProcessStateChanges" PRIMARY KEY AUTOINCREMENT,
    "ProcessId" INTEGER NOT NULL,
    "State" TEXT NOT NULL,
    "MovedOn" TEXT NULL,
    "At" TEXT NOT NULL,
    "By" TEXT NOT NULL,
    CONSTRAINT "FK_ProcessStateChanges_Processes_ProcessId" FOREIGN KEY ("ProcessId") REFERENCES "Processes" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_ProcessAgencies_AgencyId" ON "ProcessAgencies" ("AgencyId");

CREATE INDEX "IX_ProcessBenefits_BenefitId" ON "ProcessBenefits" ("BenefitId");

CREATE INDEX "IX_Processes_OwnerAgencyId" ON "Processes" ("OwnerAgencyId");

CREATE UNIQUE INDEX "IX_ProcessMeasures_ProcessId_Phase_Kind" ON "ProcessMeasures" ("ProcessId", "Phase", "Kind");

CREATE INDEX "IX_ProcessStateChanges_ProcessId_At" ON "ProcessStateChanges" ("ProcessId", "At");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261205120857_Processes', '10.0.15');

CREATE TABLE "SurveyAnswerCounts" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_SurveyAnswerCounts" PRIMARY KEY AUTOINCREMENT,
    "RoundId" INTEGER NOT NULL,
    "AgencyId" INTEGER NULL,
    "QuestionId" INTEGER NOT NULL,
    "Value" INTEGER NULL,
    "Count" INTEGER NOT NULL,
    CONSTRAINT "FK_SurveyAnswerCounts_SurveyQuestions_QuestionId" FOREIGN KEY ("QuestionId") REFERENCES "SurveyQuestions" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_SurveyAnswerCounts_SurveyRounds_RoundId" FOREIGN KEY ("RoundId") REFERENCES "SurveyRounds" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_SurveyAnswerCounts_agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "agencies" ("Id") ON DELETE RESTRICT
);

CREATE INDEX "IX_SurveyAnswerCounts_AgencyId" ON "SurveyAnswerCounts" ("AgencyId");

CREATE INDEX "IX_SurveyAnswerCounts_QuestionId" ON "SurveyAnswerCounts" ("QuestionId");

CREATE INDEX "IX_SurveyAnswerCounts_RoundId_QuestionId_AgencyId_Value" ON "SurveyAnswerCounts" ("RoundId", "QuestionId", "AgencyId", "Value");

INSERT INTO "SurveyAnswerCounts" ("RoundId", "AgencyId", "QuestionId", "Value", "Count")
SELECT r."RoundId", r."AgencyId", a."QuestionId", a."Value", COUNT(*)
FROM "SurveyAnswers" a JOIN "SurveyResponses" r ON r."Id" = a."ResponseId"
WHERE a."Value" IS NOT NULL
GROUP BY r."RoundId", r."AgencyId", a."QuestionId", a."Value";
INSERT INTO "SurveyAnswerCounts" ("RoundId", "AgencyId", "QuestionId", "Value", "Count")
SELECT r."RoundId", r."AgencyId", a."QuestionId", NULL, COUNT(DISTINCT a."ResponseId")
FROM "SurveyAnswers" a JOIN "SurveyResponses" r ON r."Id" = a."ResponseId"
GROUP BY r."RoundId", r."AgencyId", a."QuestionId";

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261205134330_SurveyAnswerCounts', '10.0.15');

CREATE TABLE "ProcessCandidates" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ProcessCandidates" PRIMARY KEY AUTOINCREMENT,
    "Key" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "AgencyId" INTEGER NOT NULL,
    "Name" TEXT NOT NULL,
    "Reason" TEXT NOT NULL,
    "Decision" TEXT NOT NULL,
    "ProcessId" INTEGER NULL,
    "DecidedBy" TEXT NOT NULL,
    "DecidedAt" TEXT NOT NULL,
    CONSTRAINT "FK_ProcessCandidates_Processes_ProcessId" FOREIGN KEY ("ProcessId") REFERENCES "Processes" ("Id") ON DELETE SET NULL,
    CONSTRAINT "FK_ProcessCandidates_agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "agencies" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_ProcessCandidates_AgencyId" ON "ProcessCandidates" ("AgencyId");

CREATE UNIQUE INDEX "IX_ProcessCandidates_Key" ON "ProcessCandidates" ("Key");

CREATE INDEX "IX_ProcessCandidates_ProcessId" ON "ProcessCandidates" ("ProcessId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261205134548_ProcessCandidates', '10.0.15');

DROP INDEX "IX_accounts_ExternalId";

ALTER TABLE "accounts" ADD "DisabledInDirectory" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "accounts" ADD "EntraRoles" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "accounts" ADD "TenantId" TEXT NULL;

CREATE UNIQUE INDEX "IX_accounts_ExternalId_TenantId" ON "accounts" ("ExternalId", "TenantId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261205134704_EntraIdentity', '10.0.15');

CREATE TABLE "entra_directory_state" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_entra_directory_state" PRIMARY KEY AUTOINCREMENT,
    "TenantId" TEXT NOT NULL,
    "DeltaLink" TEXT NULL,
    "LastPolledAt" TEXT NULL,
    "LastSucceededAt" TEXT NULL,
    "LastFullSyncAt" TEXT NULL,
    "LastError" TEXT NULL
);

CREATE UNIQUE INDEX "IX_entra_directory_state_TenantId" ON "entra_directory_state" ("TenantId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261205162032_EntraDirectoryPoll', '10.0.15');

CREATE TABLE "Interventions" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Interventions" PRIMARY KEY AUTOINCREMENT,
    "Name" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "StartsOn" TEXT NOT NULL,
    "Note" TEXT NULL,
    "ProgrammeId" INTEGER NULL,
    "Metrics" TEXT NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "UpdatedBy" TEXT NULL,
    "UpdatedAt" TEXT NULL,
    CONSTRAINT "FK_Interventions_learning_programmes_ProgrammeId" FOREIGN KEY ("ProgrammeId") REFERENCES "learning_programmes" ("Id") ON DELETE SET NULL
);

CREATE TABLE "EffectResults" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_EffectResults" PRIMARY KEY AUTOINCREMENT,
    "InterventionId" INTEGER NOT NULL,
    "Metric" TEXT NOT NULL,
    "ComputedAt" TEXT NOT NULL,
    "Verdict" TEXT NOT NULL,
    "Reason" TEXT NULL,
    "Treated" TEXT NOT NULL,
    "Comparison" TEXT NOT NULL,
    "TreatedPeople" INTEGER NOT NULL,
    "Dose" REAL NULL,
    "Estimate" REAL NULL,
    "Low" REAL NULL,
    "High" REAL NULL,
    "TreatedBefore" REAL NULL,
    "TreatedAfter" REAL NULL,
    "Drift" REAL NULL,
    "PreTrendOk" INTEGER NULL,
    "PlaceboSets" INTEGER NOT NULL,
    "StartWeek" TEXT NOT NULL,
    "EventStudy" TEXT NOT NULL,
    CONSTRAINT "FK_EffectResults_Interventions_InterventionId" FOREIGN KEY ("InterventionId") REFERENCES "Interventions" ("Id") ON DELETE CASCADE
);

CREATE TABLE "InterventionAgencies" (
    "InterventionId" INTEGER NOT NULL,
    "AgencyId" INTEGER NOT NULL,
    CONSTRAINT "PK_InterventionAgencies" PRIMARY KEY ("InterventionId", "AgencyId"),
    CONSTRAINT "FK_InterventionAgencies_Interventions_InterventionId" FOREIGN KEY ("InterventionId") REFERENCES "Interventions" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_InterventionAgencies_agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "agencies" ("Id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_EffectResults_InterventionId_Metric" ON "EffectResults" ("InterventionId", "Metric");

CREATE INDEX "IX_InterventionAgencies_AgencyId" ON "InterventionAgencies" ("AgencyId");

CREATE INDEX "IX_Interventions_ProgrammeId" ON "Interventions" ("ProgrammeId");

CREATE INDEX "IX_Interventions_StartsOn" ON "Interventions" ("StartsOn");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261205162249_Interventions', '10.0.15');

ALTER TABLE "Interventions" ADD "SourceId" INTEGER NULL;

ALTER TABLE "Interventions" ADD "SourceKind" TEXT NULL;

CREATE UNIQUE INDEX "IX_Interventions_SourceKind_SourceId" ON "Interventions" ("SourceKind", "SourceId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261205194156_EffectsInterventionSources', '10.0.15');

ALTER TABLE "learning_outgoing_mail" ADD "ClaimedBy" TEXT NULL;

ALTER TABLE "learning_outgoing_mail" ADD "ClaimedUntil" TEXT NULL;

CREATE TABLE "job_leases" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_job_leases" PRIMARY KEY,
    "Owner" TEXT NOT NULL,
    "ExpiresAt" TEXT NOT NULL,
    "LastStartedAt" TEXT NULL,
    "LastFinishedAt" TEXT NULL,
    "Runs" INTEGER NOT NULL,
    "Marker" TEXT NULL,
    "LastError" TEXT NULL
);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206015358_JobLeasesAndMailClaims', '10.0.15');

ALTER TABLE "learning_recordings" ADD "ExpiresAt" TEXT NULL;

ALTER TABLE "learning_recordings" ADD "ExpirySource" TEXT NOT NULL DEFAULT 'Policy';

ALTER TABLE "learning_recordings" ADD "ExpiryWarnedAt" TEXT NULL;

UPDATE learning_recordings SET "ExpiresAt" = datetime(COALESCE(
    (SELECT MIN(s."StartsAt", learning_recordings."CreatedAt") FROM learning_sessions s WHERE s."Id" = learning_recordings."SessionId"),
    "CreatedAt"), '+120 days');

CREATE INDEX "IX_learning_recordings_ExpiresAt" ON "learning_recordings" ("ExpiresAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206081242_RecordingExpiry', '10.0.15');

CREATE INDEX "IX_audit_log_Action_Id" ON "audit_log" ("Action", "Id");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206090700_AuditActionIndex', '10.0.15');

CREATE TABLE "learning_document_downloads" (
    "DocumentId" INTEGER NOT NULL,
    "PersonId" INTEGER NOT NULL,
    "Day" TEXT NOT NULL,
    CONSTRAINT "PK_learning_document_downloads" PRIMARY KEY ("DocumentId", "PersonId", "Day"),
    CONSTRAINT "FK_learning_document_downloads_learning_documents_DocumentId" FOREIGN KEY ("DocumentId") REFERENCES "learning_documents" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_learning_document_downloads_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);

CREATE TABLE "learning_recording_views" (
    "RecordingId" INTEGER NOT NULL,
    "PersonId" INTEGER NOT NULL,
    "Day" TEXT NOT NULL,
    CONSTRAINT "PK_learning_recording_views" PRIMARY KEY ("RecordingId", "PersonId", "Day"),
    CONSTRAINT "FK_learning_recording_views_learning_recordings_RecordingId" FOREIGN KEY ("RecordingId") REFERENCES "learning_recordings" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_learning_recording_views_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_learning_document_downloads_PersonId" ON "learning_document_downloads" ("PersonId");

CREATE INDEX "IX_learning_recording_views_PersonId" ON "learning_recording_views" ("PersonId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206112337_InAppViews', '10.0.15');

DROP INDEX "IX_ProcessMeasures_ProcessId_Phase_Kind";

ALTER TABLE "ProcessMeasures" ADD "MeasuredOn" TEXT NOT NULL DEFAULT '0001-01-01';

UPDATE ProcessMeasures SET MeasuredOn = substr(EnteredAt, 1, 10);
UPDATE ProcessMeasures SET MeasuredOn = (SELECT p.MovedOn FROM Processes AS p WHERE p.Id = ProcessMeasures.ProcessId)
WHERE EXISTS (SELECT 1 FROM Processes AS p
    WHERE p.Id = ProcessMeasures.ProcessId AND p.MovedOn IS NOT NULL AND p.State IN ('Moved', 'Measured')
      AND ((ProcessMeasures.Phase = 'Before' AND ProcessMeasures.MeasuredOn > p.MovedOn)
        OR (ProcessMeasures.Phase = 'After' AND ProcessMeasures.MeasuredOn < p.MovedOn)));

CREATE INDEX "IX_ProcessMeasures_Kind_MeasuredOn" ON "ProcessMeasures" ("Kind", "MeasuredOn");

CREATE UNIQUE INDEX "IX_ProcessMeasures_ProcessId_Phase_Kind_MeasuredOn" ON "ProcessMeasures" ("ProcessId", "Phase", "Kind", "MeasuredOn");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206112833_ProcessMeasuredOn', '10.0.15');

CREATE TABLE "InterventionUnits" (
    "InterventionId" INTEGER NOT NULL,
    "UnitId" INTEGER NOT NULL,
    CONSTRAINT "PK_InterventionUnits" PRIMARY KEY ("InterventionId", "UnitId"),
    CONSTRAINT "FK_InterventionUnits_Interventions_InterventionId" FOREIGN KEY ("InterventionId") REFERENCES "Interventions" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_InterventionUnits_units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "units" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_InterventionUnits_UnitId" ON "InterventionUnits" ("UnitId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206112932_InterventionUnits', '10.0.15');

ALTER TABLE "learning_programmes" ADD "CompletionRecordings" INTEGER NULL;

ALTER TABLE "learning_programmes" ADD "CompletionSessions" INTEGER NULL;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206114912_CompletionRule', '10.0.15');

ALTER TABLE "learning_sessions" ADD "FollowUpLinks" TEXT NULL;

ALTER TABLE "learning_sessions" ADD "FollowUpSentAt" TEXT NULL;

ALTER TABLE "learning_sessions" ADD "FollowUpText" TEXT NULL;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206120822_SessionFollowUp', '10.0.15');

ALTER TABLE "learning_programmes" ADD "NewLeadersSince" TEXT NULL;

CREATE TABLE "leader_arrivals" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_leader_arrivals" PRIMARY KEY AUTOINCREMENT,
    "PersonId" INTEGER NOT NULL,
    "Kind" TEXT NOT NULL,
    "AgencyId" INTEGER NOT NULL,
    "FromAgencyId" INTEGER NULL,
    "DirectoryImportId" INTEGER NOT NULL,
    "At" TEXT NOT NULL,
    CONSTRAINT "FK_leader_arrivals_agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "agencies" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_leader_arrivals_agencies_FromAgencyId" FOREIGN KEY ("FromAgencyId") REFERENCES "agencies" ("Id") ON DELETE SET NULL,
    CONSTRAINT "FK_leader_arrivals_directory_imports_DirectoryImportId" FOREIGN KEY ("DirectoryImportId") REFERENCES "directory_imports" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_leader_arrivals_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);

CREATE TABLE "learning_leader_proposal_decisions" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_learning_leader_proposal_decisions" PRIMARY KEY AUTOINCREMENT,
    "ProgrammeId" INTEGER NOT NULL,
    "PersonId" INTEGER NOT NULL,
    "Accepted" INTEGER NOT NULL,
    "DecidedBy" TEXT NOT NULL,
    "DecidedAt" TEXT NOT NULL,
    CONSTRAINT "FK_learning_leader_proposal_decisions_learning_programmes_ProgrammeId" FOREIGN KEY ("ProgrammeId") REFERENCES "learning_programmes" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_learning_leader_proposal_decisions_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_leader_arrivals_AgencyId" ON "leader_arrivals" ("AgencyId");

CREATE INDEX "IX_leader_arrivals_At" ON "leader_arrivals" ("At");

CREATE INDEX "IX_leader_arrivals_DirectoryImportId" ON "leader_arrivals" ("DirectoryImportId");

CREATE INDEX "IX_leader_arrivals_FromAgencyId" ON "leader_arrivals" ("FromAgencyId");

CREATE INDEX "IX_leader_arrivals_PersonId" ON "leader_arrivals" ("PersonId");

CREATE INDEX "IX_learning_leader_proposal_decisions_PersonId" ON "learning_leader_proposal_decisions" ("PersonId");

CREATE UNIQUE INDEX "IX_learning_leader_proposal_decisions_ProgrammeId_PersonId" ON "learning_leader_proposal_decisions" ("ProgrammeId", "PersonId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206145456_LeaderProposals', '10.0.15');

ALTER TABLE "learning_cohorts" ADD "AgencyId" INTEGER NULL;

ALTER TABLE "learning_cohorts" ADD "EndsOn" TEXT NULL;

CREATE TABLE "learning_cohort_notes" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_learning_cohort_notes" PRIMARY KEY AUTOINCREMENT,
    "CohortId" INTEGER NOT NULL,
    "On" TEXT NOT NULL,
    "Topic" TEXT NOT NULL,
    "Text" TEXT NOT NULL,
    "ModuleId" INTEGER NULL,
    "Author" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "UpdatedAt" TEXT NULL,
    CONSTRAINT "FK_learning_cohort_notes_learning_cohorts_CohortId" FOREIGN KEY ("CohortId") REFERENCES "learning_cohorts" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_learning_cohort_notes_learning_modules_ModuleId" FOREIGN KEY ("ModuleId") REFERENCES "learning_modules" ("Id") ON DELETE SET NULL
);

CREATE INDEX "IX_learning_cohorts_AgencyId" ON "learning_cohorts" ("AgencyId");

CREATE INDEX "IX_learning_cohort_notes_CohortId_On" ON "learning_cohort_notes" ("CohortId", "On");

CREATE INDEX "IX_learning_cohort_notes_ModuleId" ON "learning_cohort_notes" ("ModuleId");

CREATE TABLE "ef_temp_learning_cohorts" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_learning_cohorts" PRIMARY KEY AUTOINCREMENT,
    "AgencyId" INTEGER NULL,
    "EndsOn" TEXT NULL,
    "Name" TEXT NOT NULL,
    "ProgrammeId" INTEGER NOT NULL,
    "StartsOn" TEXT NULL,
    CONSTRAINT "FK_learning_cohorts_agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "agencies" ("Id") ON DELETE SET NULL,
    CONSTRAINT "FK_learning_cohorts_learning_programmes_ProgrammeId" FOREIGN KEY ("ProgrammeId") REFERENCES "learning_programmes" ("Id") ON DELETE CASCADE
);

INSERT INTO "ef_temp_learning_cohorts" ("Id", "AgencyId", "EndsOn", "Name", "ProgrammeId", "StartsOn")
SELECT "Id", "AgencyId", "EndsOn", "Name", "ProgrammeId", "StartsOn"
FROM "learning_cohorts";

PRAGMA foreign_keys = 0;

DROP TABLE "learning_cohorts";

ALTER TABLE "ef_temp_learning_cohorts" RENAME TO "learning_cohorts";

PRAGMA foreign_keys = 1;

CREATE INDEX "IX_learning_cohorts_AgencyId" ON "learning_cohorts" ("AgencyId");

CREATE INDEX "IX_learning_cohorts_ProgrammeId" ON "learning_cohorts" ("ProgrammeId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206173431_LeaderGroupNotes', '10.0.15');

ALTER TABLE "learning_recordings" ADD "Viewers" INTEGER NULL;

ALTER TABLE "learning_recordings" ADD "ViewsReadAt" TEXT NULL;

ALTER TABLE "learning_recordings" ADD "ViewsSource" TEXT NOT NULL DEFAULT 'Entered';

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206182344_RecordingStreamViews', '10.0.15');

ALTER TABLE "accounts" ADD "Language" TEXT NULL;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206183215_AccountLanguage', '10.0.15');

ALTER TABLE "learning_sessions" ADD "SeatsTaken" INTEGER NOT NULL DEFAULT 0;

UPDATE learning_sessions SET "SeatsTaken" = (SELECT COUNT(*) FROM learning_registrations r
    WHERE r."SessionId" = learning_sessions."Id" AND r."Status" = 'Registered');

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206231248_SessionSeatsTaken', '10.0.15');

