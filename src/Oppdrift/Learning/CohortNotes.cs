// What a cohort (a leader group in "Hybrid ledelse") agreed along the way: meeting rules, where documents live, how they
// share, and the rest, each note dated and optionally tied to the module it was made after. Notes can still be added
// after the cohort has ended, when the group goes on as a network. Every change is audited on the programme.
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

/// <summary>A note as a form or a script gives it; null where nothing was given, so each missing field is named.</summary>
public sealed record CohortNoteInput(DateOnly? On, CohortNoteTopic? Topic, string? Text, int? ModuleId);

/// <summary>
/// A note with the modules it falls between: <see cref="After"/> is the module it was made after (given, or else the
/// module of the programme's last session held on or before its day) and <see cref="Before"/> the one that follows.
/// Either is null at the ends; both when there is nothing to place the note by (no module given, no module's sessions).
/// </summary>
public sealed record CohortNoteView(CohortNote Note, ProgrammeModule? After, ProgrammeModule? Before);

public sealed class CohortNotes(OppdriftDb db, TimeProvider clock)
{
    /// <summary>The longest note: a few paragraphs of agreements, not a document (those belong in the programme's documents).</summary>
    public const int MaxText = 2000;

    public const string CreateAction = "learning.cohort.note.create";
    public const string UpdateAction = "learning.cohort.note.update";
    public const string DeleteAction = "learning.cohort.note.delete";

    /// <summary>A topic by its name (any case), as a script sends it; null for anything else, numbers included.</summary>
    public static CohortNoteTopic? ParseTopic(string? name) =>
        Enum.GetValues<CohortNoteTopic>().Cast<CohortNoteTopic?>().FirstOrDefault(t => string.Equals(t.ToString(), name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The cohort's notes, newest first (by the day agreed, then the latest written), each with its modules.</summary>
    public async Task<IReadOnlyList<CohortNoteView>> ListAsync(int cohortId, CancellationToken cancellationToken)
    {
        var cohort = await db.Cohorts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == cohortId, cancellationToken);
        if (cohort is null)
        {
            return [];
        }
        var notes = await db.CohortNotes.AsNoTracking().Where(n => n.CohortId == cohortId).ToListAsync(cancellationToken);
        if (notes.Count == 0)
        {
            return [];
        }
        var modules = await db.ProgrammeModules.AsNoTracking().Where(m => m.ProgrammeId == cohort.ProgrammeId).OrderBy(m => m.Position).ToListAsync(cancellationToken);
        var held = await db.LearningSessions.AsNoTracking()
            .Where(s => s.ProgrammeId == cohort.ProgrammeId && s.CancelledAt == null && s.ModuleId != null)
            .Select(s => new { s.StartsAt, ModuleId = s.ModuleId!.Value }).ToListAsync(cancellationToken);
        var sessions = held.Select(s => (Day: ViewCounting.Day(s.StartsAt), s.ModuleId)).OrderBy(s => s.Day).ToList();
        CohortNoteView View(CohortNote note)
        {
            if (note.ModuleId is null && sessions.Count == 0)
            {
                // No module given and no module's session to place it by: it stands between none.
                return new CohortNoteView(note, null, null);
            }
            var after = note.ModuleId is { } given ? modules.FirstOrDefault(m => m.Id == given)
                : sessions.LastOrDefault(s => s.Day <= note.On) is { ModuleId: > 0 } last ? modules.FirstOrDefault(m => m.Id == last.ModuleId) : null;
            var before = after is null ? modules.FirstOrDefault() : modules.FirstOrDefault(m => m.Position > after.Position);
            return new CohortNoteView(note, after, before);
        }
        return [.. notes.OrderByDescending(n => n.On).ThenByDescending(n => n.Id).Select(View)];
    }

    public async Task<Result<CohortNote>> AddAsync(int cohortId, CohortNoteInput input, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cohort = await db.Cohorts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == cohortId, cancellationToken);
        if (cohort is null)
        {
            return Result<CohortNote>.Fail("cohort", LearningText.Get("CohortNotFound"));
        }
        var (valid, error) = await ValidateAsync(cohort, input, cancellationToken);
        if (error is not null)
        {
            return Result<CohortNote>.Fail(error.Value.Field, error.Value.Message);
        }
        var note = new CohortNote
        {
            CohortId = cohortId,
            On = valid!.On,
            Topic = valid.Topic,
            Text = valid.Text,
            ModuleId = valid.ModuleId,
            Author = actor,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.CohortNotes.Add(note);
        AuditLog.Record(db, clock, actor, CreateAction, Programmes.ProgrammeTarget(cohort.ProgrammeId),
            after: new { Cohort = cohort.Name, NoteOn = note.On, NoteTopic = note.Topic.ToString(), NoteText = note.Text, NoteModule = valid.ModuleTitle });
        await db.SaveChangesAsync(cancellationToken);
        return Result<CohortNote>.Ok(note);
    }

    /// <summary>Changes a note of the cohort; the entry names the cohort and what changed, and a save that changes nothing writes nothing.</summary>
    public async Task<Result<CohortNote>> UpdateAsync(int cohortId, int noteId, CohortNoteInput input, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cohort = await db.Cohorts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == cohortId, cancellationToken);
        var note = cohort is null ? null : await db.CohortNotes.SingleOrDefaultAsync(n => n.Id == noteId && n.CohortId == cohortId, cancellationToken);
        if (cohort is null || note is null)
        {
            return Result<CohortNote>.Fail("note", LearningText.Get("NoteNotFound"));
        }
        var (valid, error) = await ValidateAsync(cohort, input, cancellationToken);
        if (error is not null)
        {
            return Result<CohortNote>.Fail(error.Value.Field, error.Value.Message);
        }
        var oldModule = note.ModuleId is { } id ? await ModuleTitleAsync(id, cancellationToken) : null;
        var changes = new AuditChanges();
        changes.Set("NoteOn", note.On, valid!.On, v => note.On = v);
        changes.Set("NoteTopic", note.Topic.ToString(), valid.Topic.ToString(), _ => note.Topic = valid.Topic);
        changes.Set("NoteText", note.Text, valid.Text, v => note.Text = v);
        if (note.ModuleId != valid.ModuleId)
        {
            changes.Add("NoteModule", oldModule, valid.ModuleTitle);
            note.ModuleId = valid.ModuleId;
        }
        if (changes.Any)
        {
            note.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            // Which cohort's note: shown once, as neither side of a change.
            changes.After["Cohort"] = cohort.Name;
            AuditLog.Record(db, clock, actor, UpdateAction, Programmes.ProgrammeTarget(cohort.ProgrammeId), changes.Before, changes.After);
            await db.SaveChangesAsync(cancellationToken);
        }
        return Result<CohortNote>.Ok(note);
    }

    public async Task<Result<CohortNote>> DeleteAsync(int cohortId, int noteId, string actor, CancellationToken cancellationToken)
    {
        var cohort = await db.Cohorts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == cohortId, cancellationToken);
        var note = cohort is null ? null : await db.CohortNotes.SingleOrDefaultAsync(n => n.Id == noteId && n.CohortId == cohortId, cancellationToken);
        if (cohort is null || note is null)
        {
            return Result<CohortNote>.Fail("note", LearningText.Get("NoteNotFound"));
        }
        var module = note.ModuleId is { } id ? await ModuleTitleAsync(id, cancellationToken) : null;
        AuditLog.Record(db, clock, actor, DeleteAction, Programmes.ProgrammeTarget(cohort.ProgrammeId),
            before: new { Cohort = cohort.Name, NoteOn = note.On, NoteTopic = note.Topic.ToString(), NoteText = note.Text, NoteModule = module });
        db.CohortNotes.Remove(note);
        await db.SaveChangesAsync(cancellationToken);
        return Result<CohortNote>.Ok(note);
    }

    private sealed record ValidNote(DateOnly On, CohortNoteTopic Topic, string Text, int? ModuleId, string? ModuleTitle);

    private async Task<string?> ModuleTitleAsync(int moduleId, CancellationToken cancellationToken) =>
        await db.ProgrammeModules.AsNoTracking().Where(m => m.Id == moduleId).Select(m => m.Title).SingleOrDefaultAsync(cancellationToken);

    /// <summary>Checks a note field by field, in the form's order, naming the first that is wrong.</summary>
    private async Task<(ValidNote? Note, (string Field, string Message)? Error)> ValidateAsync(Cohort cohort, CohortNoteInput input, CancellationToken cancellationToken)
    {
        if (input.On is not { } on)
        {
            return (null, ("On", LearningText.Get("FieldRequired", LearningText.Get("NoteOn"))));
        }
        if (input.Topic is not { } topic || !Enum.IsDefined(topic))
        {
            return (null, ("Topic", LearningText.Get("NoteTopicRequired")));
        }
        // Browsers post line breaks as CR LF; counted as one each, as the text box counts them.
        var text = input.Text?.ReplaceLineEndings("\n").Trim() ?? "";
        if (text.Length == 0)
        {
            return (null, ("Text", LearningText.Get("FieldRequired", LearningText.Get("NoteText"))));
        }
        if (text.Length > MaxText)
        {
            return (null, ("Text", LearningText.Get("FieldTooLongNow", LearningText.Get("NoteText"), MaxText, text.Length)));
        }
        string? moduleTitle = null;
        if (input.ModuleId is { } moduleId)
        {
            moduleTitle = await db.ProgrammeModules.AsNoTracking().Where(m => m.Id == moduleId && m.ProgrammeId == cohort.ProgrammeId).Select(m => m.Title)
                .SingleOrDefaultAsync(cancellationToken);
            if (moduleTitle is null)
            {
                return (null, ("ModuleId", LearningText.Get("NoteModuleNotInProgramme")));
            }
        }
        return (new ValidNote(on, topic, text, input.ModuleId, moduleTitle), null);
    }
}
