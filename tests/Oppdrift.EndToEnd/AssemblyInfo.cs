using Oppdrift.EndToEnd.Infrastructure;

// One real app process and one Chromium serve every test. The tests run one at a time: an import
// replaces the whole organisation for a moment, and the browser pages would compete for one server.
[assembly: AssemblyFixture(typeof(OppdriftApp))]
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: TestCollectionOrderer(typeof(CollectionOrder))]
