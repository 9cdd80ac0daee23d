// Interventions derived from the modules where the work is recorded: a learning programme once a session is held, a
// process once it is moved, a file share once every mapping of it is migrated. Each is kept in step with its source by
// kind and id: created when the source qualifies, updated when its name, day or agencies change, removed when it no
// longer qualifies or is deleted. Run before every estimate (the effects job checks every minute, and the command), so
// the log, the agency pages and the estimates all see the same derived interventions. Derived interventions are not
// edited by hand; their page links to the source.
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Processes;
using Oppdrift.ShareMigration;

namespace Oppdrift.Effects;

public sealed class InterventionSources(OppdriftDb db, LearningQueries learning, ProcessQueries processes, MigrationQueries migration, TimeProvider clock)
{
    /// <summary>Who the audit log names for changes made to follow a source.</summary>
    public const string Actor = "system";

    /// <summary>An intervention as its source gives it; agencies null for a programme (its attendance gives them when estimated).</summary>
    private sealed record Derived(InterventionSource Kind, int Id, string Name, InterventionKind InterventionKind, DateOnly StartsOn, IReadOnlyList<int>? Agencies,
        IReadOnlyList<string>? Metrics = null);

    /// <summary>Brings the derived interventions in step with their sources; returns how many were created, changed or removed.</summary>
    public async Task<int> SyncAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var interventions = await db.Interventions.Include(i => i.Agencies).ToListAsync(cancellationToken);
        // A programme the team linked to an intervention by hand is judged there; it is not derived a second time.
        var linkedByHand = interventions.Where(i => i.SourceKind is null && i.ProgrammeId is not null).Select(i => i.ProgrammeId!.Value).ToHashSet();
        var wanted = new List<Derived>();
        wanted.AddRange((await learning.HeldProgrammesAsync(now, cancellationToken))
            .Where(p => !linkedByHand.Contains(p.Id))
            .Select(p => new Derived(InterventionSource.Programme, p.Id, p.Name, InterventionKind.Training, p.FirstSession, null)));
        wanted.AddRange((await processes.MovesAsync(cancellationToken))
            .Select(p => new Derived(InterventionSource.Process, p.Id, p.Name, InterventionKind.ProcessMove, p.MovedOn, p.Agencies,
                // A process move is judged on the usage metrics of its kind and on every process measure its process has.
                p.Measured.Count == 0 ? null : [.. EffectOutcomes.Defaults(InterventionKind.ProcessMove), .. p.Measured.Select(EffectOutcomes.Process)])));
        wanted.AddRange((await migration.MigratedSharesAsync(cancellationToken))
            .Select(s => new Derived(InterventionSource.Share, s.Id, s.Name, InterventionKind.ShareMigration, s.MigratedOn, [s.AgencyId])));

        var existing = interventions.Where(i => i.SourceKind is not null).ToDictionary(i => (i.SourceKind!.Value, i.SourceId ?? 0));
        var changed = 0;
        foreach (var source in wanted)
        {
            var name = source.Name.Length > InterventionLengths.Name ? source.Name[..InterventionLengths.Name] : source.Name;
            if (!existing.Remove((source.Kind, source.Id), out var intervention))
            {
                intervention = new Intervention
                {
                    Name = name,
                    Kind = source.InterventionKind,
                    StartsOn = source.StartsOn,
                    SourceKind = source.Kind,
                    SourceId = source.Id,
                    ProgrammeId = source.Kind == InterventionSource.Programme ? source.Id : null,
                    Metrics = [.. source.Metrics ?? []],
                    CreatedBy = Actor,
                    CreatedAt = now,
                };
                SetAgencies(intervention, source.Agencies ?? []);
                db.Interventions.Add(intervention);
                AuditLog.Record(db, clock, Actor, "effects.intervention.derive", name, null, Snapshot(intervention));
                changed++;
                continue;
            }
            var agencies = intervention.Agencies.Select(a => a.AgencyId).Order().ToList();
            if (intervention.Name == name && intervention.StartsOn == source.StartsOn && intervention.Kind == source.InterventionKind
                && (source.Agencies is null || agencies.SequenceEqual(source.Agencies.Order()))
                && intervention.Metrics.SequenceEqual(source.Metrics ?? [], StringComparer.Ordinal))
            {
                continue;
            }
            var before = Snapshot(intervention);
            intervention.Name = name;
            intervention.Kind = source.InterventionKind;
            intervention.StartsOn = source.StartsOn;
            intervention.Metrics = [.. source.Metrics ?? []];
            if (source.Agencies is not null)
            {
                SetAgencies(intervention, source.Agencies);
            }
            intervention.UpdatedBy = Actor;
            intervention.UpdatedAt = now;
            AuditLog.Record(db, clock, Actor, "effects.intervention.rederive", name, before, Snapshot(intervention));
            changed++;
        }
        foreach (var gone in existing.Values)
        {
            db.Interventions.Remove(gone);
            AuditLog.Record(db, clock, Actor, "effects.intervention.underive", gone.Name, Snapshot(gone));
            changed++;
        }
        if (changed > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        return changed;
    }

    private static void SetAgencies(Intervention intervention, IReadOnlyList<int> agencies)
    {
        intervention.Agencies.RemoveAll(a => !agencies.Contains(a.AgencyId));
        foreach (var agency in agencies.Where(a => intervention.Agencies.All(x => x.AgencyId != a)))
        {
            intervention.Agencies.Add(new InterventionAgency { AgencyId = agency });
        }
    }

    private static object Snapshot(Intervention i) =>
        new { i.Name, Kind = i.Kind.ToString(), i.StartsOn, Source = i.SourceKind?.ToString(), i.SourceId, Agencies = i.Agencies.Select(a => a.AgencyId).Order().ToList(), i.Metrics };

    /// <summary>Where a derived intervention's source is shown in its module; null for one recorded by hand.</summary>
    public static string? SourceUrl(Intervention intervention) => intervention.SourceKind switch
    {
        InterventionSource.Programme => $"/learning/programmes/{intervention.SourceId}",
        InterventionSource.Process => $"/processes/{intervention.SourceId}",
        InterventionSource.Share => $"/migration/shares/{intervention.SourceId}",
        _ => null,
    };
}
