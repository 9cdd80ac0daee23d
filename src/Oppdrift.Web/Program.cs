using Oppdrift.Web;

var app = await OppdriftWebApp.BuildAsync(args);
await app.RunAsync();

/// <summary>The entry point, visible to the web tests' host factory.</summary>
public partial class Program;
