namespace Oppdrift.Usage;

/// <summary>
/// A long batch of usage reports being imported in the background (the demo's history at first start): the overview
/// says how far it has come, and Benefits waits for the whole batch rather than measuring half of it. One batch at a time.
/// </summary>
public sealed class UsageLoadStatus
{
    private volatile int _done;
    private volatile int _total;
    private volatile bool _running;

    public bool Running => _running;
    public int Done => _done;
    public int Total => _total;

    /// <summary>Marks a batch of <paramref name="total"/> reports as running; report the importer's progress to the
    /// returned batch and dispose it when the batch has ended, however it ended.</summary>
    public Batch Begin(int total)
    {
        _total = total;
        _done = 0;
        _running = true;
        return new Batch(this);
    }

    /// <summary>A running batch: the importer's progress goes here, and disposing it ends the batch.</summary>
    public sealed class Batch : IProgress<UsageImportProgress>, IDisposable
    {
        private readonly UsageLoadStatus _status;

        internal Batch(UsageLoadStatus status) => _status = status;

        public void Report(UsageImportProgress value)
        {
            ArgumentNullException.ThrowIfNull(value);
            _status._done = value.SourcesDone;
        }

        public void Dispose() => _status._running = false;
    }
}
