using BenchmarkDotNet.Running;
using Oppdrift.Benchmarks.EndToEnd;

if (args is ["e2e", .. var e2e])
{
    return await ImportEndToEnd.RunAsync(e2e);
}
if (args is ["usage-pages", .. var pages])
{
    await Oppdrift.Benchmarks.UsagePagesTiming.RunAsync(pages);
    return 0;
}
if (args is ["knowledge-search", .. var knowledge])
{
    return await Oppdrift.Benchmarks.KnowledgeSearchTiming.RunAsync(knowledge);
}
if (args is ["registration-burst", .. var burst])
{
    return await Oppdrift.Benchmarks.RegistrationBurst.RunAsync(burst);
}
if (args is ["survey-results", .. var surveys])
{
    return await Oppdrift.Benchmarks.SurveyResultsTiming.RunAsync(surveys);
}
if (args is ["effects", .. var effects])
{
    return await Oppdrift.Benchmarks.EffectsTiming.RunAsync(effects);
}
if (args is ["scale", .. var scale])
{
    return await Oppdrift.Benchmarks.ScaleTiming.RunAsync(scale);
}
if (args is ["routes", .. var routes])
{
    return await Oppdrift.Benchmarks.RouteTiming.RunAsync(routes);
}
if (args is ["cluster-load", .. var cluster])
{
    return await Oppdrift.Benchmarks.ClusterLoad.RunAsync(cluster);
}
if (args is ["scan-tree", .. var scanTree])
{
    return Oppdrift.Benchmarks.ScanTreeComparison.Run(scanTree);
}
BenchmarkSwitcher.FromAssembly(typeof(ImportEndToEnd).Assembly).Run(args);
return 0;
