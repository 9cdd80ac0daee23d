using BenchmarkDotNet.Running;
using Oppdrift.Benchmarks.EndToEnd;

if (args is ["e2e", .. var rest])
{
    return await ImportEndToEnd.RunAsync(rest);
}
BenchmarkSwitcher.FromAssembly(typeof(ImportEndToEnd).Assembly).Run(args);
return 0;
