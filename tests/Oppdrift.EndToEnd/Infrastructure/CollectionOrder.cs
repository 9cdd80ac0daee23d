using Xunit.Sdk;
using Xunit.v3;

namespace Oppdrift.EndToEnd.Infrastructure;

/// <summary>
/// The administrator's printed one-time password works once, and the first-start test must be the one
/// to use it, so that collection runs first. The import tests, which replace the whole organisation
/// for a while, run last: they put the demo municipality back themselves, but should that fail, no
/// other test sees a half-empty municipality. The rest keep xunit's default (random) order, which
/// keeps them honest about not depending on each other.
/// </summary>
public sealed class CollectionOrder : ITestCollectionOrderer
{
    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : notnull, ITestCollection =>
        [.. DefaultTestCollectionOrderer.Instance.OrderTestCollections(testCollections).OrderBy(c => Rank(c))];

    private static int Rank(ITestCollection collection) => collection.TestCollectionDisplayName switch
    {
        FirstStartTests.Collection => 0,
        OrganisationImportTests.Collection => 2,
        _ => 1,
    };
}
