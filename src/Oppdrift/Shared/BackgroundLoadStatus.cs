using System.Collections.Concurrent;

namespace Oppdrift.Shared;

/// <summary>
/// Which modules' data are still being loaded in the background, after the app has begun to answer (the demo's
/// learning, migration, surveys, processes and effects after a first start). Each module names its own part
/// (<c>LearningModule.BackgroundLoad</c>, …): its pages say the data are still loading, and the jobs that would act on
/// half of them wait. The loader marks every part it will load before the app answers and ends each as it is done, or
/// all of them when it fails, so no page says "loading" for ever. The status is this node's: one node loads.
/// </summary>
public sealed class BackgroundLoadStatus
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _loading = new(StringComparer.Ordinal);

    /// <summary>Whether any part is still loading.</summary>
    public bool Running => !_loading.IsEmpty;

    /// <summary>Whether <paramref name="part"/>'s data are still loading (or waiting their turn to).</summary>
    public bool IsLoading(string part) => _loading.ContainsKey(part);

    /// <summary>Marks the parts as loading, until <see cref="End"/> or <see cref="EndAll"/>.</summary>
    public void Begin(params IEnumerable<string> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        foreach (var part in parts)
        {
            _loading.TryAdd(part, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }

    /// <summary>Marks <paramref name="part"/> as loaded, however its load ended; those waiting for it go on.</summary>
    public void End(string part)
    {
        if (_loading.TryRemove(part, out var done))
        {
            done.TrySetResult();
        }
    }

    /// <summary>Ends every part still marked loading (the loader failed or was stopped).</summary>
    public void EndAll()
    {
        foreach (var part in _loading.Keys)
        {
            End(part);
        }
    }

    /// <summary>Completes once <paramref name="part"/> is not loading; at once when it is not.</summary>
    public Task WaitAsync(string part, CancellationToken cancellationToken) =>
        _loading.TryGetValue(part, out var loading) ? loading.Task.WaitAsync(cancellationToken) : Task.CompletedTask;
}
