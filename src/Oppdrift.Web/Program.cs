using Oppdrift.Data;
using Oppdrift.Web;

try
{
    var app = await OppdriftWebApp.BuildAsync(args);
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is DatabaseTooNewException or DataDirectoryBusyException)
{
    // Not a crash: an older version started on a database a newer one upgraded, or a restore is under way. Say what to do.
    await Console.Error.WriteLineAsync(e.Message);
    return 1;
}

/// <summary>The entry point, visible to the web tests' host factory.</summary>
public partial class Program;
