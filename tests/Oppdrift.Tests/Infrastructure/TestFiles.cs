namespace Oppdrift.Tests.Infrastructure;

/// <summary>The real-format files in testdata/, copied beside the test assembly.</summary>
public static class TestFiles
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "testdata", .. parts]);

    /// <summary>The checkout's root folder (the one with Oppdrift.slnx), found from the test assembly.</summary>
    public static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(System.IO.Path.Combine(folder.FullName, "Oppdrift.slnx")))
        {
            folder = folder.Parent;
        }
        return folder?.FullName ?? throw new InvalidOperationException("Oppdrift.slnx not found above the test assembly; run the tests inside the repository.");
    }

    public static FileStream Open(params string[] parts) => File.OpenRead(Path(parts));

    public static MemoryStream Text(string content, bool byteOrderMark = true)
    {
        var encoding = new System.Text.UTF8Encoding(byteOrderMark);
        return new MemoryStream([.. encoding.GetPreamble(), .. encoding.GetBytes(content)]);
    }
}
