using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oppdrift.Data;
using Oppdrift.Shared;

namespace Oppdrift.Access;

/// <summary>What one poll of the directory did; <see cref="Error"/> is set when it failed and changed nothing.</summary>
/// <param name="AbsentSpared">Linked accounts a full round left out but did not disable, since they were too many.</param>
public sealed record EntraDirectoryPollRun(DateTimeOffset Started, bool Full, bool Resynced, int Pages, int Users, int Disabled, int Enabled,
    int AbsentSpared, string? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Polls the home tenant's users in Microsoft Graph every <c>Authentication:Entra:DirectoryPollInterval</c> (default a
/// minute) with a delta query, and follows them in the linked accounts (<see cref="AccountService.FollowEntraDirectoryAsync"/>):
/// someone disabled or deleted in Entra ID loses their sessions at their next check, within
/// <c>Access:SessionRevalidation</c> of the poll. The delta link is kept in the database, so each poll asks only for what
/// changed, and one poll's changes land with its delta link in one transaction or not at all.
/// </summary>
public sealed partial class EntraDirectoryPollJob : BackgroundService
{
    /// <summary>The job's key, as a scheduled task's name in logs and settings.</summary>
    public const string Key = "EntraDirectoryPoll";

    /// <summary>The actor of the audit entries the poll writes.</summary>
    public const string Actor = "entra-directory";

    public const int MaxErrorLength = 1000;

    private readonly EntraSettings settings;
    private readonly EntraDirectoryReader? reader;
    private readonly IServiceScopeFactory scopes;
    private readonly JobLeases leases;
    private readonly TimeProvider time;
    private readonly ILogger<EntraDirectoryPollJob> logger;

    /// <param name="reader">Null when the poll is not configured; the job then does nothing.</param>
    public EntraDirectoryPollJob(EntraSettings settings, EntraDirectoryReader? reader, IServiceScopeFactory scopes, JobLeases leases, TimeProvider time,
        ILogger<EntraDirectoryPollJob> logger)
    {
        this.settings = settings;
        this.reader = reader;
        this.scopes = scopes;
        this.leases = leases;
        this.time = time;
        this.logger = logger;
    }

    /// <summary>The latest finished poll, for a status page; null before the first.</summary>
    public EntraDirectoryPollRun? LastRun { get; private set; }

    public bool IsConfigured => settings.DirectoryPollConfigured && reader is not null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Configured)
        {
            return;
        }
        if (!settings.DirectoryPoll)
        {
            LogDisabled(logger);
            return;
        }
        if (!IsConfigured)
        {
            LogIncomplete(logger, string.Join("; ", settings.DirectoryPollProblems()));
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // One node polls for all: the delta link is shared, and two polls at once would follow the same changes twice.
                await leases.RunAsync(Key, settings.DirectoryPollInterval, RunAsync, stoppingToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The database is away, or a bug: try again at the next interval rather than stop the host.
                LogRunFailed(logger, error);
            }
            await Task.Delay(settings.DirectoryPollInterval, time, stoppingToken);
        }
    }

    /// <summary>Polls once now: reads the changes since the saved delta link and follows them in the accounts.</summary>
    public async Task<EntraDirectoryPollRun> RunAsync(CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        if (!IsConfigured)
        {
            return new EntraDirectoryPollRun(started, false, false, 0, 0, 0, 0, 0, string.Join("; ", settings.DirectoryPollProblems()));
        }
        var tenantId = settings.HomeTenant!;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
        var state = await db.EntraDirectoryStates.SingleOrDefaultAsync(s => s.TenantId == tenantId, cancellationToken);
        if (state is null)
        {
            state = new EntraDirectoryState { TenantId = tenantId };
            db.EntraDirectoryStates.Add(state);
        }
        var read = await reader!.ReadAsync(state.DeltaLink, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        state.LastPolledAt = now;
        EntraDirectoryPollRun run;
        if (!read.Succeeded)
        {
            state.LastError = read.Error!.Length > MaxErrorLength ? read.Error[..MaxErrorLength] : read.Error;
            run = new EntraDirectoryPollRun(started, state.DeltaLink is null, false, 0, 0, 0, 0, 0, read.Error);
            LogPollFailed(logger, read.Error);
        }
        else
        {
            var delta = read.Value!;
            var (disabled, enabled, spared) = await new AccountService(db, time).FollowEntraDirectoryAsync(tenantId, delta, Actor, cancellationToken);
            state.DeltaLink = delta.DeltaLink;
            state.LastSucceededAt = now;
            state.LastError = null;
            if (delta.Full)
            {
                state.LastFullSyncAt = now;
            }
            run = new EntraDirectoryPollRun(started, delta.Full, delta.Resynced, delta.Pages, delta.Users.Count, disabled, enabled, spared, null);
            if (spared > 0)
            {
                LogAbsentSpared(logger, spared);
            }
            if (delta.Resynced)
            {
                LogResynced(logger);
            }
            if (delta.Full || disabled + enabled > 0)
            {
                LogPolled(logger, delta.Users.Count, delta.Pages, disabled, enabled);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        return LastRun = run;
    }

    public override void Dispose()
    {
        reader?.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Directory poll from Microsoft Graph is off (Authentication:Entra:DirectoryPoll is false)")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Entra ID sign-in is configured but the directory poll cannot run, so a user disabled in Entra ID keeps their sessions until the next directory import: {Problems}")]
    private static partial void LogIncomplete(ILogger logger, string problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "Directory poll: {Users} users listed in {Pages} pages; {Disabled} accounts disabled, {Enabled} enabled")]
    private static partial void LogPolled(ILogger logger, int users, int pages, int disabled, int enabled);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Directory poll: Microsoft Graph no longer knows the delta link; read every user again")]
    private static partial void LogResynced(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Directory poll: a full read of the users left out {Count} linked accounts, too many to be deletions; they were not disabled")]
    private static partial void LogAbsentSpared(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Directory poll failed: {Message}")]
    private static partial void LogPollFailed(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Directory poll threw; trying again at the next interval")]
    private static partial void LogRunFailed(ILogger logger, Exception error);
}
