using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Benefits;
using Oppdrift.Effects;
using Oppdrift.Learning;
using Oppdrift.Learning.Knowledge;
using Oppdrift.Organisation;
using Oppdrift.Processes;
using Oppdrift.ShareMigration;
using Oppdrift.Surveys;
using Oppdrift.Usage;

namespace Oppdrift.Data;

/// <summary>The one database context. Each module maps its own entities in its own file.</summary>
public sealed class OppdriftDb(DbContextOptions<OppdriftDb> options) : DbContext(options)
{
    public DbSet<Agency> Agencies => Set<Agency>();
    public DbSet<Unit> Units => Set<Unit>();
    public DbSet<Person> People => Set<Person>();
    public DbSet<MappingRule> MappingRules => Set<MappingRule>();
    public DbSet<DirectoryImport> DirectoryImports => Set<DirectoryImport>();
    public DbSet<OrganisationSettings> OrganisationSettings => Set<OrganisationSettings>();
    public DbSet<LeaderArrival> LeaderArrivals => Set<LeaderArrival>();

    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<AccountAgency> AccountAgencies => Set<AccountAgency>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<Access.KeyRing.ProtectionKey> ProtectionKeys => Set<Access.KeyRing.ProtectionKey>();
    public DbSet<EntraDirectoryState> EntraDirectoryStates => Set<EntraDirectoryState>();

    public DbSet<UsageImport> UsageImports => Set<UsageImport>();
    public DbSet<UsageFigure> UsageFigures => Set<UsageFigure>();
    public DbSet<UsageActivity> UsageActivity => Set<UsageActivity>();

    public DbSet<Programme> Programmes => Set<Programme>();
    public DbSet<ProgrammeAgency> ProgrammeAgencies => Set<ProgrammeAgency>();
    public DbSet<ProgrammeModule> ProgrammeModules => Set<ProgrammeModule>();
    public DbSet<Cohort> Cohorts => Set<Cohort>();
    public DbSet<CohortNote> CohortNotes => Set<CohortNote>();
    public DbSet<Participant> Participants => Set<Participant>();
    public DbSet<LeaderProposalDecision> LeaderProposalDecisions => Set<LeaderProposalDecision>();
    public DbSet<LearningSession> LearningSessions => Set<LearningSession>();
    public DbSet<Registration> Registrations => Set<Registration>();
    public DbSet<AttendanceImport> AttendanceImports => Set<AttendanceImport>();
    public DbSet<Attendance> Attendance => Set<Attendance>();
    public DbSet<Recording> Recordings => Set<Recording>();
    public DbSet<LearningDocument> LearningDocuments => Set<LearningDocument>();
    public DbSet<RecordingView> RecordingViews => Set<RecordingView>();
    public DbSet<DocumentDownload> DocumentDownloads => Set<DocumentDownload>();
    public DbSet<Feedback> Feedback => Set<Feedback>();
    public DbSet<FeedbackGiven> FeedbackGiven => Set<FeedbackGiven>();
    public DbSet<CalendarFeed> CalendarFeeds => Set<CalendarFeed>();
    public DbSet<OutgoingMail> OutgoingMail => Set<OutgoingMail>();
    public DbSet<KnowledgeItem> KnowledgeItems => Set<KnowledgeItem>();
    public DbSet<KnowledgeItemPassage> KnowledgeItemPassages => Set<KnowledgeItemPassage>();
    public DbSet<KnowledgeItemTag> KnowledgeItemTags => Set<KnowledgeItemTag>();
    public DbSet<BenefitGoal> BenefitGoals => Set<BenefitGoal>();
    public DbSet<Benefit> Benefits => Set<Benefit>();
    public DbSet<BenefitAgency> BenefitAgencies => Set<BenefitAgency>();
    public DbSet<Indicator> Indicators => Set<Indicator>();
    public DbSet<IndicatorTarget> IndicatorTargets => Set<IndicatorTarget>();
    public DbSet<Measurement> Measurements => Set<Measurement>();
    public DbSet<ClimateFactor> ClimateFactors => Set<ClimateFactor>();
    public DbSet<ClimateActivity> ClimateActivities => Set<ClimateActivity>();
    public DbSet<SourceShare> SourceShares => Set<SourceShare>();
    public DbSet<ShareScan> ShareScans => Set<ShareScan>();
    public DbSet<ShareScanTally> ShareScanTallies => Set<ShareScanTally>();
    public DbSet<ShareScanFolder> ShareScanFolders => Set<ShareScanFolder>();
    public DbSet<ShareMapping> ShareMappings => Set<ShareMapping>();
    public DbSet<ShareMappingChange> ShareMappingChanges => Set<ShareMappingChange>();
    public DbSet<WorkProcess> Processes => Set<WorkProcess>();
    public DbSet<ProcessCandidate> ProcessCandidates => Set<ProcessCandidate>();
    public DbSet<ProcessAgency> ProcessAgencies => Set<ProcessAgency>();
    public DbSet<ProcessStateChange> ProcessStateChanges => Set<ProcessStateChange>();
    public DbSet<ProcessMeasure> ProcessMeasures => Set<ProcessMeasure>();
    public DbSet<ProcessBenefit> ProcessBenefits => Set<ProcessBenefit>();

    public DbSet<Survey> Surveys => Set<Survey>();
    public DbSet<SurveyTheme> SurveyThemes => Set<SurveyTheme>();
    public DbSet<SurveyQuestion> SurveyQuestions => Set<SurveyQuestion>();
    public DbSet<SurveyRound> SurveyRounds => Set<SurveyRound>();
    public DbSet<SurveyRoundGroup> SurveyRoundGroups => Set<SurveyRoundGroup>();
    public DbSet<SurveyInvitation> SurveyInvitations => Set<SurveyInvitation>();
    public DbSet<SurveyResponse> SurveyResponses => Set<SurveyResponse>();
    public DbSet<SurveyAnswer> SurveyAnswers => Set<SurveyAnswer>();
    public DbSet<SurveyAnswerCount> SurveyAnswerCounts => Set<SurveyAnswerCount>();
    public DbSet<SurveyImport> SurveyImports => Set<SurveyImport>();

    public DbSet<Intervention> Interventions => Set<Intervention>();
    public DbSet<InterventionAgency> InterventionAgencies => Set<InterventionAgency>();
    public DbSet<EffectResult> EffectResults => Set<EffectResult>();

    public DbSet<Shared.JobLease> JobLeases => Set<Shared.JobLease>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        OrganisationModel.Map(modelBuilder);
        AccessModel.Map(modelBuilder);
        UsageModel.Map(modelBuilder);
        LearningModel.Map(modelBuilder);
        KnowledgeModel.Map(modelBuilder);
        BenefitsModel.Map(modelBuilder);
        MigrationModel.Map(modelBuilder);
        ProcessesModel.Map(modelBuilder);
        SurveysModel.Map(modelBuilder);
        EffectsModel.Map(modelBuilder);
        Shared.JobLease.Map(modelBuilder);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC; SQLite forgets the kind, so restore it on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }
}
