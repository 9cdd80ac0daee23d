namespace Oppdrift.Demo;

/// <summary>A clock the demo sets to the moments its history happened at, for services that stamp what they write with "now".</summary>
internal sealed class HistoryClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
