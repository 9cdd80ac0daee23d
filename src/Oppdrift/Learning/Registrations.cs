// Registration and cancellation for sessions, with capacity and a waiting list that stay right when
// hundreds of people press the button in the same second.
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
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
    /// Registrations for one session run one after another: the first statement of the transaction raises the session's
    /// registration version, which on PostgreSQL takes the session row's lock and on SQLite the database's write lock.
    /// Only what decides the seat happens under it: the seat counter read from the locked row, one batch with the
    /// registration, its e-mail, its audit entry and the counter, and the commit. The session, the person, an earlier
    /// registration and the e-mail are read (in one query) and composed before; the waiting-list place is counted after.
    /// On PostgreSQL a new registration is one statement, which holds the lock for no round trip at all
    /// (<see cref="InsertInOneStatementAsync"/>).
    /// </remarks>
    public async Task<Result<RegistrationAnswer>> RegisterAsync(int sessionId, int personId, string actor, CancellationToken cancellationToken)
    {
        // One connection for the reads before the lock and the transaction, rather than one from the pool for each.
        await db.Database.OpenConnectionAsync(cancellationToken);
        // The batch under the lock is all or nothing with the transaction around it; a savepoint before it would cost a round trip.
        var savepoints = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            var answer = await TryRegisterAsync(sessionId, personId, actor, cancellationToken);
            // Null: the same person registered for the same session in a parallel request between our read and our insert
            // (the unique index refused the second row). Once more finds their registration and answers with it.
            answer ??= await TryRegisterAsync(sessionId, personId, actor, cancellationToken);
            return answer ?? throw new InvalidOperationException($"Registration of person {personId} for session {sessionId} collided twice.");
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = savepoints;
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<Result<RegistrationAnswer>?> TryRegisterAsync(int sessionId, int personId, string actor, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var now = clock.GetUtcNow().UtcDateTime;
        // The session, the person and their earlier registration, if any, in one query.
        var people = Organisation.PersonRows;
        var read = await (
            from s in db.LearningSessions.AsNoTracking().Where(s => s.Id == sessionId)
            from p in people.Where(p => p.Id == personId).DefaultIfEmpty()
            select new
            {
                Session = s,
                Person = p,
                Earlier = db.Registrations.Where(r => r.SessionId == s.Id && r.PersonId == personId).OrderBy(r => r.Id).FirstOrDefault(),
            })
            .SingleOrDefaultAsync(cancellationToken);
        var session = read?.Session;
        if (Closed(session, now) is { } closed)
        {
            return closed;
        }
        var person = read!.Person;
        if (person is not { IsActive: true })
        {
            return Result<RegistrationAnswer>.Fail("person", LearningText.Get("PersonNotFound"));
        }
        var earlier = read.Earlier;
        if (earlier is { Status: RegistrationStatus.Registered or RegistrationStatus.Waiting })
        {
            return Result<RegistrationAnswer>.Ok(new RegistrationAnswer(sessionId, personId, earlier.Status, await WaitingPositionAsync(earlier, cancellationToken), Changed: false));
        }
        // Composed for the outcome the session's counter promises now; recomposed under the lock only if the last seat went
        // meanwhile or the session was changed.
        var expected = HasSeat(session!) ? RegistrationStatus.Registered : RegistrationStatus.Waiting;
        var composed = LearningMail.ForRegistration(session!, person, expected, options.Value, now);
        if (earlier is null && db.Database.IsNpgsql())
        {
            switch (await InsertInOneStatementAsync(session!, person, expected, composed, actor, now, cancellationToken))
            {
                case { } inserted:
                    return Result<RegistrationAnswer>.Ok(new RegistrationAnswer(sessionId, personId, inserted.Status,
                        await WaitingPositionAsync(inserted, cancellationToken), Changed: true));
                case null when await RegisteredMeanwhileAsync(sessionId, personId, cancellationToken):
                    return null;
                default:
                    // The session was changed, cancelled or ended since it was read: the path below reads it under the lock and says which.
                    break;
            }
        }

        var strategy = db.Database.CreateExecutionStrategy();
        var outcome = await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var locked = await LockAsync(sessionId, cancellationToken);
            if (Closed(locked, now) is { } gone)
            {
                return (Answer: (Result<RegistrationAnswer>?)gone, Registration: (Registration?)null);
            }
            Registration registration;
            if (earlier is null)
            {
                registration = new Registration { SessionId = sessionId, PersonId = personId, RegisteredBy = actor };
                db.Registrations.Add(registration);
            }
            else
            {
                // A cancelled registration taken up again: read it again under the lock, as a parallel request may have done so.
                registration = await db.Registrations.SingleAsync(r => r.Id == earlier.Id, cancellationToken);
                if (registration.Status != RegistrationStatus.Cancelled)
                {
                    await transaction.CommitAsync(cancellationToken);
                    return (Answer: (Result<RegistrationAnswer>?)Result<RegistrationAnswer>.Ok(
                        new RegistrationAnswer(sessionId, personId, registration.Status, null, Changed: false)), Registration: registration);
                }
            }

            var status = HasSeat(locked!) ? RegistrationStatus.Registered : RegistrationStatus.Waiting;
            registration.Status = status;
            registration.RegisteredAt = now;
            registration.CancelledAt = null;
            registration.RegisteredBy = actor;
            registration.Position = locked!.RegistrationVersion;
            registration.ReminderSentAt = null;
            if (status == RegistrationStatus.Registered)
            {
                locked.SeatsTaken++;
            }
            db.OutgoingMail.Add(status == expected && SameInvitation(session!, locked)
                ? Copy(composed)
                : LearningMail.ForRegistration(locked, person, status, options.Value, now));
            AuditLog.Record(db, clock, actor, status == RegistrationStatus.Registered ? "learning.register" : "learning.waitlist",
                $"session:{sessionId}", after: new { person = person.UserPrincipalName, status = status.ToString() });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException) when (earlier is null)
            {
                return (Answer: null, Registration: null);
            }
            await transaction.CommitAsync(cancellationToken);
            return (Answer: (Result<RegistrationAnswer>?)Result<RegistrationAnswer>.Ok(new RegistrationAnswer(sessionId, personId, status, null, Changed: true)),
                Registration: registration);
        });
        if (outcome.Answer is not { Succeeded: true, Value: { Status: RegistrationStatus.Waiting } waiting } || outcome.Registration is null)
        {
            return outcome.Answer;
        }
        // Counted after the commit, outside the lock: those who join later queue behind, so the place is the one joined at.
        return Result<RegistrationAnswer>.Ok(waiting with { WaitingPosition = await WaitingPositionAsync(outcome.Registration, cancellationToken) });
    }

    /// <summary>Gives up the person's seat or waiting place; the first on the waiting list takes a freed seat.</summary>
    public async Task<Result<RegistrationAnswer>> CancelAsync(int sessionId, int personId, string actor, CancellationToken cancellationToken)
    {
        var person = await Organisation.PersonAsync(personId, cancellationToken);
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
            if (person is null)
            {
                throw new InvalidOperationException($"Registration for person {personId}, who is not in the directory.");
            }
            var now = clock.GetUtcNow().UtcDateTime;
            var wasSeated = registration.Status == RegistrationStatus.Registered;
            var before = registration.Status.ToString();
            registration.Status = RegistrationStatus.Cancelled;
            registration.CancelledAt = now;
            db.OutgoingMail.Add(LearningMail.ForCancellation(session, person, options.Value, now));
            AuditLog.Record(db, clock, actor, "learning.cancel", $"session:{sessionId}",
                before: new { person = person.UserPrincipalName, status = before }, after: new { person = person.UserPrincipalName, status = "Cancelled" });

            if (wasSeated)
            {
                session.SeatsTaken--;
            }
            if (wasSeated && session.EndsAt > now)
            {
                var next = await db.Registrations
                    .Where(r => r.SessionId == sessionId && r.Status == RegistrationStatus.Waiting)
                    .OrderBy(r => r.Position).ThenBy(r => r.Id)
                    .FirstOrDefaultAsync(cancellationToken);
                if (next is not null)
                {
                    next.Status = RegistrationStatus.Registered;
                    session.SeatsTaken++;
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

    /// <summary>
    /// PostgreSQL: a new registration in one statement, so the session row's lock is held for that statement and its commit
    /// alone, with no round trip to the application in between. The statement locks the row (<c>FOR UPDATE</c> reads the
    /// latest committed version once the lock is free), decides seat or waiting place from its counter, raises the version
    /// and the counter, and inserts the registration, its e-mail and its audit entry; the e-mail for either outcome is
    /// composed beforehand. Nothing is written, and null returned, when the session no longer matches what it was read as
    /// (changed, cancelled or over) or when a parallel request of the same person got there first (the unique index).
    /// </summary>
    private async Task<Registration?> InsertInOneStatementAsync(LearningSession session, PersonRow person, RegistrationStatus expected, OutgoingMail composed,
        string actor, DateTime now, CancellationToken cancellationToken)
    {
        var other = expected == RegistrationStatus.Registered ? RegistrationStatus.Waiting : RegistrationStatus.Registered;
        var seat = expected == RegistrationStatus.Registered ? composed : LearningMail.ForRegistration(session, person, other, options.Value, now);
        var wait = expected == RegistrationStatus.Waiting ? composed : LearningMail.ForRegistration(session, person, other, options.Value, now);
        var target = $"session:{session.Id}";
        var seatAudit = AuditLog.Entry(clock, actor, "learning.register", target, after: new { person = person.UserPrincipalName, status = nameof(RegistrationStatus.Registered) });
        var waitAudit = AuditLog.Entry(clock, actor, "learning.waitlist", target, after: new { person = person.UserPrincipalName, status = nameof(RegistrationStatus.Waiting) });
        var registered = nameof(RegistrationStatus.Registered);
        var waiting = nameof(RegistrationStatus.Waiting);
        var mode = session.Mode.ToString();
        try
        {
            var rows = await db.Database.SqlQuery<InsertedRegistration>($"""
                WITH locked AS (
                    SELECT "Id", "RegistrationVersion" + 1 AS "Position", ("Capacity" IS NULL OR "SeatsTaken" < "Capacity") AS "Seated"
                    FROM learning_sessions
                    WHERE "Id" = {session.Id} AND "CancelledAt" IS NULL AND "EndsAt" > {now}
                        AND "Title" = {session.Title} AND "Description" = {session.Description} AND "StartsAt" = {session.StartsAt}
                        AND "EndsAt" = {session.EndsAt} AND "Mode" = {mode} AND "Location" IS NOT DISTINCT FROM {session.Location}
                        AND "TeamsUrl" IS NOT DISTINCT FROM {session.TeamsUrl} AND "CalendarUid" = {session.CalendarUid}
                        AND "CalendarSequence" = {session.CalendarSequence}
                    FOR UPDATE
                ), raised AS (
                    UPDATE learning_sessions AS s
                    SET "RegistrationVersion" = l."Position", "SeatsTaken" = s."SeatsTaken" + CASE WHEN l."Seated" THEN 1 ELSE 0 END
                    FROM locked AS l WHERE s."Id" = l."Id"
                ), registration AS (
                    INSERT INTO learning_registrations ("SessionId", "PersonId", "Status", "RegisteredAt", "Position", "RegisteredBy")
                    SELECT l."Id", {person.Id}, CASE WHEN l."Seated" THEN {registered} ELSE {waiting} END, {now}, l."Position", {actor}
                    FROM locked AS l
                    RETURNING "Id", "SessionId", "PersonId", "Status", "Position"
                ), mail AS (
                    INSERT INTO learning_outgoing_mail ("To", "Subject", "Body", "Calendar", "CreatedAt", "Attempts")
                    SELECT CASE WHEN l."Seated" THEN {seat.To} ELSE {wait.To} END, CASE WHEN l."Seated" THEN {seat.Subject} ELSE {wait.Subject} END,
                        CASE WHEN l."Seated" THEN {seat.Body} ELSE {wait.Body} END, CASE WHEN l."Seated" THEN {seat.Calendar} ELSE {wait.Calendar} END,
                        {composed.CreatedAt}, 0
                    FROM locked AS l
                ), audit AS (
                    INSERT INTO audit_log ("At", "Actor", "Action", "Target", "Before", "After")
                    SELECT {seatAudit.At}, {actor}, CASE WHEN l."Seated" THEN {seatAudit.Action} ELSE {waitAudit.Action} END, {target}, NULL,
                        CASE WHEN l."Seated" THEN {seatAudit.After} ELSE {waitAudit.After} END
                    FROM locked AS l
                )
                SELECT "Id", "SessionId", "PersonId", "Status", "Position" FROM registration
                """).ToListAsync(cancellationToken);
            return rows is [var row]
                ? new Registration
                {
                    Id = row.Id,
                    SessionId = row.SessionId,
                    PersonId = row.PersonId,
                    Position = row.Position,
                    RegisteredAt = now,
                    RegisteredBy = actor,
                    Status = Enum.Parse<RegistrationStatus>(row.Status),
                }
                : null;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return null;
        }
    }

    private sealed record InsertedRegistration(int Id, int SessionId, int PersonId, string Status, int Position);

    private Task<bool> RegisteredMeanwhileAsync(int sessionId, int personId, CancellationToken cancellationToken) =>
        db.Registrations.AnyAsync(r => r.SessionId == sessionId && r.PersonId == personId, cancellationToken);

    /// <summary>
    /// Takes the session's registration lock and reads the locked row in the same statement (one round trip instead of
    /// two). The row is tracked, so a change to its seat counter is written with the registration.
    /// </summary>
    private async Task<LearningSession?> LockAsync(int sessionId, CancellationToken cancellationToken) =>
        (await db.LearningSessions.FromSql($"""
            UPDATE learning_sessions SET "RegistrationVersion" = "RegistrationVersion" + 1 WHERE "Id" = {sessionId} RETURNING *
            """).ToListAsync(cancellationToken)).SingleOrDefault();

    private static Result<RegistrationAnswer>? Closed(LearningSession? session, DateTime now) =>
        session is null ? Result<RegistrationAnswer>.Fail("session", LearningText.Get("SessionNotFound"))
        : session.CancelledAt is not null ? Result<RegistrationAnswer>.Fail("session", LearningText.Get("SessionIsCancelled"))
        : session.EndsAt <= now ? Result<RegistrationAnswer>.Fail("session", LearningText.Get("SessionIsOver"))
        : null;

    private static bool HasSeat(LearningSession session) => session.Capacity is null || session.SeatsTaken < session.Capacity;

    /// <summary>Whether an e-mail composed from <paramref name="read"/> says what one composed from <paramref name="locked"/> would.</summary>
    private static bool SameInvitation(LearningSession read, LearningSession locked) =>
        read.Title == locked.Title && read.Description == locked.Description && read.StartsAt == locked.StartsAt && read.EndsAt == locked.EndsAt
        && read.Mode == locked.Mode && read.Location == locked.Location && read.TeamsUrl == locked.TeamsUrl
        && read.CalendarUid == locked.CalendarUid && read.CalendarSequence == locked.CalendarSequence && read.CancelledAt == locked.CancelledAt;

    // A fresh row each attempt, so a retried transaction never inserts an entity that carries the failed attempt's key.
    private static OutgoingMail Copy(OutgoingMail mail) =>
        new() { To = mail.To, Subject = mail.Subject, Body = mail.Body, Calendar = mail.Calendar, CreatedAt = mail.CreatedAt };

    private async Task<int?> WaitingPositionAsync(Registration registration, CancellationToken cancellationToken) =>
        registration.Status != RegistrationStatus.Waiting
            ? null
            : 1 + await db.Registrations.CountAsync(r => r.SessionId == registration.SessionId && r.Status == RegistrationStatus.Waiting
                && (r.Position < registration.Position || (r.Position == registration.Position && r.Id < registration.Id)), cancellationToken);
}
