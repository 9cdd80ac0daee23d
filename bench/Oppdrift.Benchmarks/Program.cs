using BenchmarkDotNet.Running;

if (args is ["usage-pages", .. var rest])
{
    await Oppdrift.Benchmarks.UsagePagesTiming.RunAsync(rest);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
