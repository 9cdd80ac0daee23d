// Registration and cancellation for sessions, with capacity and a waiting list that stay right when
// hundreds of people press the button in the same second.
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

/// <summary>What a person got: a seat or a place on the waiting list (1 is next in line).</summary>
public sealed record RegistrationAnswer(int SessionId, int PersonId, RegistrationStatus Status, int? WaitingPosition, bool Changed);

public sealed record GroupRegistrationLine(string Input, string? Name, RegistrationAnswer? Answer, string? Error);

public sealed class Registrations(OppdriftDb db, TimeProvider clock, IOptions<LearningOptions> options)
{
    // People are read through Organisation's surface, on this context so they are read inside its transactions.
    private OrganisationDirectory Organisation => new(db);

    /// <summary>
    /// Registers the person, or puts them on the waiting list when the session is full. Registering
    /// again answers with the place already held.
    /// </summary>
    /// <remarks>
    /// The first statement of the transaction raises the session's registration version: on PostgreSQL
    /// that takes the session row's lock, on SQLite the database's write lock, so registrations for one
    /// session run one after another and each counts the seats after the one before it committed.
    /// </remarks>
    public async Task<Result<RegistrationAnswer>> RegisterAsync(int sessionId, int personId, string actor, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var session = await LockAsync(sessionId, cancellationToken);
            if (session is null)
            {
                return Result<RegistrationAnswer>.Fail("session", LearningText.Get("SessionNotFound"));
            }
            if (session.CancelledAt is not null)
            {
                return Result<RegistrationAnswer>.Fail("session", LearningText.Get("SessionIsCancelled"));
            }
            if (session.EndsAt <= clock.GetUtcNow().UtcDateTime)
            {
                return Result<RegistrationAnswer>.Fail("session", LearningText.Get("SessionIsOver"));
            }
            var person = await Organisation.PersonAsync(personId, cancellationToken);
            if (person is not { IsActive: true })
            {
                return Result<RegistrationAnswer>.Fail("person", LearningText.Get("PersonNotFound"));
            }

            var existing = await db.Registrations.SingleOrDefaultAsync(r => r.SessionId == sessionId && r.PersonId == personId, cancellationToken);
            if (existing is { Status: RegistrationStatus.Registered or RegistrationStatus.Waiting })
            {
                var held = new RegistrationAnswer(sessionId, personId, existing.Status, await WaitingPositionAsync(existing, cancellationToken), Changed: false);
                await transaction.CommitAsync(cancellationToken);
                return Result<RegistrationAnswer>.Ok(held);
            }

            var seated = await db.Registrations.CountAsync(r => r.SessionId == sessionId && r.Status == RegistrationStatus.Registered, cancellationToken);
            var status = session.Capacity is null || seated < session.Capacity ? RegistrationStatus.Registered : RegistrationStatus.Waiting;
            var now = clock.GetUtcNow().UtcDateTime;
            var registration = existing ?? new Registration { SessionId = sessionId, PersonId = personId, RegisteredBy = actor };
            registration.Status = status;
            registration.RegisteredAt = now;
            registration.CancelledAt = null;
            registration.RegisteredBy = actor;
            registration.Position = session.RegistrationVersion;
            registration.ReminderSentAt = null;
            if (existing is null)
            {
                db.Registrations.Add(registration);
            }
            var mail = LearningMail.ForRegistration(session, person, status, options.Value, now);
            db.OutgoingMail.Add(mail);
            AuditLog.Record(db, clock, actor, status == RegistrationStatus.Registered ? "learning.register" : "learning.waitlist",
                $"session:{sessionId}", after: new { person = person.UserPrincipalName, status = status.ToString() });
            await db.SaveChangesAsync(cancellationToken);
            var position = await WaitingPositionAsync(registration, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return Result<RegistrationAnswer>.Ok(new RegistrationAnswer(sessionId, personId, status, position, Changed: true));
        });
    }

    /// <summary>Gives up the person's seat or waiting place; the first on the waiting list takes a freed seat.</summary>
    public async Task<Result<RegistrationAnswer>> CancelAsync(int sessionId, int personId, string actor, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var session = await LockAsync(sessionId, cancellationToken);
            if (session is null)
            {
                return Result<RegistrationAnswer>.Fail("session", LearningText.Get("SessionNotFound"));
            }
            var registration = await db.Registrations.SingleOrDefaultAsync(r => r.SessionId == sessionId && r.PersonId == personId, cancellationToken);
            if (registration is null or { Status: RegistrationStatus.Cancelled })
            {
                await transaction.CommitAsync(cancellationToken);
                return Result<RegistrationAnswer>.Ok(new RegistrationAnswer(sessionId, personId, RegistrationStatus.Cancelled, null, Changed: false));
            }
            var now = clock.GetUtcNow().UtcDateTime;
            var wasSeated = registration.Status == RegistrationStatus.Registered;
            var before = registration.Status.ToString();
            registration.Status = RegistrationStatus.Cancelled;
            registration.CancelledAt = now;
            var person = await Organisation.PersonAsync(personId, cancellationToken)
                ?? throw new InvalidOperationException($"Registration for person {personId}, who is not in the directory.");
            db.OutgoingMail.Add(LearningMail.ForCancellation(session, person, options.Value, now));
            AuditLog.Record(db, clock, actor, "learning.cancel", $"session:{sessionId}",
                before: new { person = person.UserPrincipalName, status = before }, after: new { person = person.UserPrincipalName, status = "Cancelled" });

            if (wasSeated && session.EndsAt > now)
            {
                var next = await db.Registrations
                    .Where(r => r.SessionId == sessionId && r.Status == RegistrationStatus.Waiting)
                    .OrderBy(r => r.Position).ThenBy(r => r.Id)
                    .FirstOrDefaultAsync(cancellationToken);
                if (next is not null)
                {
                    next.Status = RegistrationStatus.Registered;
                    var promoted = await Organisation.PersonAsync(next.PersonId, cancellationToken)
                        ?? throw new InvalidOperationException($"Registration for person {next.PersonId}, who is not in the directory.");
                    db.OutgoingMail.Add(LearningMail.ForPromotion(session, promoted, options.Value, now));
                    AuditLog.Record(db, clock, actor, "learning.promote", $"session:{sessionId}",
                        before: new { person = promoted.UserPrincipalName, status = "Waiting" }, after: new { person = promoted.UserPrincipalName, status = "Registered" });
                }
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return Result<RegistrationAnswer>.Ok(new RegistrationAnswer(sessionId, personId, RegistrationStatus.Cancelled, null, Changed: true));
        });
    }

    /// <summary>
    /// A leader registers people of their own agency, one line each (user name or e-mail address).
    /// Each person gets their own answer; a line that names nobody in the agency is reported, not guessed.
    /// </summary>
    public async Task<Result<IReadOnlyList<GroupRegistrationLine>>> RegisterGroupAsync(int sessionId, PersonRow leader, string lines, string actor, CancellationToken cancellationToken)
    {
        if (!leader.IsLeader || leader.AgencyId is null)
        {
            return Result<IReadOnlyList<GroupRegistrationLine>>.Fail("group", LearningText.Get("GroupNotLeader"));
        }
        var inputs = lines.Split(['\n', '\r', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (inputs.Count == 0)
        {
            return Result<IReadOnlyList<GroupRegistrationLine>>.Fail("group", LearningText.Get("GroupEmpty"));
        }
        if (inputs.Count > 500)
        {
            return Result<IReadOnlyList<GroupRegistrationLine>>.Fail("group", LearningText.Get("GroupTooLarge", 500));
        }
        var people = await Organisation.PeopleByNameAsync(inputs, leader.AgencyId.Value, activeOnly: true, cancellationToken);
        var result = new List<GroupRegistrationLine>();
        foreach (var input in inputs)
        {
            var person = people.Find(input);
            if (person is null)
            {
                result.Add(new GroupRegistrationLine(input, null, null, LearningText.Get("GroupUnknownPerson")));
                continue;
            }
            var answer = await RegisterAsync(sessionId, person.Id, actor, cancellationToken);
            result.Add(answer.Succeeded
                ? new GroupRegistrationLine(input, person.DisplayName, answer.Value, null)
                : new GroupRegistrationLine(input, person.DisplayName, null, answer.Error));
        }
        return Result<IReadOnlyList<GroupRegistrationLine>>.Ok(result);
    }

    private async Task<LearningSession?> LockAsync(int sessionId, CancellationToken cancellationToken)
    {
        var locked = await db.LearningSessions.Where(s => s.Id == sessionId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RegistrationVersion, x => x.RegistrationVersion + 1), cancellationToken);
        return locked == 0
            ? null
            : await db.LearningSessions.AsNoTracking().Include(s => s.Programme).SingleAsync(s => s.Id == sessionId, cancellationToken);
    }

    private async Task<int?> WaitingPositionAsync(Registration registration, CancellationToken cancellationToken) =>
        registration.Status != RegistrationStatus.Waiting
            ? null
            : 1 + await db.Registrations.CountAsync(r => r.SessionId == registration.SessionId && r.Status == RegistrationStatus.Waiting
                && (r.Position < registration.Position || (r.Position == registration.Position && r.Id < registration.Id)), cancellationToken);
}
