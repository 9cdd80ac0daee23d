using Microsoft.EntityFrameworkCore;
using Oppdrift.Organisation;

namespace Oppdrift.Learning;

internal static class LearningModel
{
    public static void Map(ModelBuilder model)
    {
        model.Entity<Programme>(e =>
        {
            e.ToTable("learning_programmes");
            e.Property(p => p.Name).HasMaxLength(200);
            e.Property(p => p.OwnerName).HasMaxLength(200);
            e.Property(p => p.OwnerAccount).HasMaxLength(256);
            e.Property(p => p.FeedToken).HasMaxLength(64);
            e.HasIndex(p => p.FeedToken).IsUnique();
            e.Property(p => p.Audience).HasConversion<string>().HasMaxLength(16);
            e.HasOne<Agency>().WithMany().HasForeignKey(p => p.OwnerAgencyId).OnDelete(DeleteBehavior.SetNull);
            e.HasMany(p => p.Agencies).WithOne().HasForeignKey(a => a.ProgrammeId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(p => p.Modules).WithOne().HasForeignKey(m => m.ProgrammeId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(p => p.Cohorts).WithOne().HasForeignKey(c => c.ProgrammeId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<ProgrammeAgency>(e =>
        {
            e.ToTable("learning_programme_agencies");
            e.HasKey(a => new { a.ProgrammeId, a.AgencyId });
            e.HasOne<Agency>().WithMany().HasForeignKey(a => a.AgencyId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<ProgrammeModule>(e =>
        {
            e.ToTable("learning_modules");
            e.Property(m => m.Title).HasMaxLength(200);
        });
        model.Entity<Cohort>(e =>
        {
            e.ToTable("learning_cohorts");
            e.Property(c => c.Name).HasMaxLength(200);
            e.HasOne<Agency>().WithMany().HasForeignKey(c => c.AgencyId).OnDelete(DeleteBehavior.SetNull);
        });
        model.Entity<CohortNote>(e =>
        {
            e.ToTable("learning_cohort_notes");
            e.Property(n => n.Text).HasMaxLength(CohortNotes.MaxText);
            e.Property(n => n.Author).HasMaxLength(256);
            e.Property(n => n.Topic).HasConversion<string>().HasMaxLength(32);
            e.HasIndex(n => new { n.CohortId, n.On });
            e.HasOne<Cohort>().WithMany().HasForeignKey(n => n.CohortId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<ProgrammeModule>().WithMany().HasForeignKey(n => n.ModuleId).OnDelete(DeleteBehavior.SetNull);
        });
        model.Entity<LeaderProposalDecision>(e =>
        {
            e.ToTable("learning_leader_proposal_decisions");
            e.HasIndex(d => new { d.ProgrammeId, d.PersonId }).IsUnique();
            e.Property(d => d.DecidedBy).HasMaxLength(256);
            e.HasOne<Programme>().WithMany().HasForeignKey(d => d.ProgrammeId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Person>().WithMany().HasForeignKey(d => d.PersonId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Participant>(e =>
        {
            e.ToTable("learning_participants");
            e.HasIndex(p => new { p.ProgrammeId, p.PersonId }).IsUnique();
            e.HasOne<Programme>().WithMany().HasForeignKey(p => p.ProgrammeId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Person>().WithMany().HasForeignKey(p => p.PersonId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Cohort>().WithMany().HasForeignKey(p => p.CohortId).OnDelete(DeleteBehavior.SetNull);
        });
        model.Entity<LearningSession>(e =>
        {
            e.ToTable("learning_sessions");
            e.Property(s => s.Title).HasMaxLength(200);
            e.Property(s => s.SeriesKey).HasMaxLength(64);
            e.Property(s => s.FollowUpText).HasMaxLength(FollowUps.MaxText);
            e.Property(s => s.FollowUpLinks).HasMaxLength(4000);
            e.Property(s => s.CalendarUid).HasMaxLength(128);
            e.HasIndex(s => s.CalendarUid).IsUnique();
            e.HasIndex(s => new { s.ProgrammeId, s.StartsAt });
            e.HasIndex(s => s.StartsAt);
            e.Property(s => s.Mode).HasConversion<string>().HasMaxLength(16);
            e.HasOne(s => s.Programme).WithMany().HasForeignKey(s => s.ProgrammeId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<ProgrammeModule>().WithMany().HasForeignKey(s => s.ModuleId).OnDelete(DeleteBehavior.SetNull);
        });
        model.Entity<Registration>(e =>
        {
            e.ToTable("learning_registrations");
            e.HasIndex(r => new { r.SessionId, r.PersonId }).IsUnique();
            e.HasIndex(r => r.PersonId);
            e.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(r => r.RegisteredBy).HasMaxLength(256);
            e.HasOne<LearningSession>().WithMany().HasForeignKey(r => r.SessionId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Person>().WithMany().HasForeignKey(r => r.PersonId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<AttendanceImport>(e =>
        {
            e.ToTable("learning_attendance_imports");
            e.HasOne<LearningSession>().WithMany().HasForeignKey(i => i.SessionId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Attendance>(e =>
        {
            e.ToTable("learning_attendance");
            e.HasIndex(a => a.SessionId);
            e.HasIndex(a => a.PersonId);
            e.HasOne<LearningSession>().WithMany().HasForeignKey(a => a.SessionId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<AttendanceImport>().WithMany().HasForeignKey(a => a.ImportId).OnDelete(DeleteBehavior.NoAction);
            e.HasOne<Person>().WithMany().HasForeignKey(a => a.PersonId).OnDelete(DeleteBehavior.SetNull);
        });
        model.Entity<Recording>(e =>
        {
            e.ToTable("learning_recordings");
            e.Property(r => r.Title).HasMaxLength(200);
            e.HasIndex(r => r.ProgrammeId);
            e.HasOne<Programme>().WithMany().HasForeignKey(r => r.ProgrammeId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<LearningSession>().WithMany().HasForeignKey(r => r.SessionId).OnDelete(DeleteBehavior.SetNull);
        });
        model.Entity<LearningDocument>(e =>
        {
            e.ToTable("learning_documents");
            e.Property(d => d.Title).HasMaxLength(200);
            e.Property(d => d.FileName).HasMaxLength(260);
            e.Property(d => d.ContentType).HasMaxLength(128);
            e.Property(d => d.StoredName).HasMaxLength(128);
            e.HasIndex(d => d.ProgrammeId);
            e.HasOne<Programme>().WithMany().HasForeignKey(d => d.ProgrammeId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<LearningSession>().WithMany().HasForeignKey(d => d.SessionId).OnDelete(DeleteBehavior.SetNull);
        });
        model.Entity<Feedback>(e =>
        {
            e.ToTable("learning_feedback");
            e.HasIndex(f => f.SessionId);
            e.Property(f => f.Comment).HasMaxLength(2000);
            e.HasOne<LearningSession>().WithMany().HasForeignKey(f => f.SessionId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<FeedbackGiven>(e =>
        {
            e.ToTable("learning_feedback_given");
            e.HasKey(f => new { f.SessionId, f.PersonId });
            e.HasOne<LearningSession>().WithMany().HasForeignKey(f => f.SessionId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Person>().WithMany().HasForeignKey(f => f.PersonId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<CalendarFeed>(e =>
        {
            e.ToTable("learning_calendar_feeds");
            e.HasKey(f => f.PersonId);
            e.Property(f => f.PersonId).ValueGeneratedNever();
            e.Property(f => f.Token).HasMaxLength(64);
            e.HasIndex(f => f.Token).IsUnique();
            e.HasOne<Person>().WithMany().HasForeignKey(f => f.PersonId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<OutgoingMail>(e =>
        {
            e.ToTable("learning_outgoing_mail");
            e.Property(m => m.To).HasMaxLength(320);
            e.Property(m => m.Subject).HasMaxLength(300);
            e.Property(m => m.ClaimedBy).HasMaxLength(200);
            e.HasIndex(m => m.SentAt);
        });
        model.Entity<RecordingView>(e =>
        {
            e.ToTable("learning_recording_views");
            e.HasKey(v => new { v.RecordingId, v.PersonId, v.Day });
            e.HasIndex(v => v.PersonId);
            e.HasOne<Recording>().WithMany().HasForeignKey(v => v.RecordingId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Person>().WithMany().HasForeignKey(v => v.PersonId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<DocumentDownload>(e =>
        {
            e.ToTable("learning_document_downloads");
            e.HasKey(d => new { d.DocumentId, d.PersonId, d.Day });
            e.HasIndex(d => d.PersonId);
            e.HasOne<LearningDocument>().WithMany().HasForeignKey(d => d.DocumentId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Person>().WithMany().HasForeignKey(d => d.PersonId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Recording>(e =>
        {
            e.Property(r => r.ExpirySource).HasConversion<string>().HasMaxLength(16);
            e.Property(r => r.ViewsSource).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(r => r.ExpiresAt);
        });
    }
}
