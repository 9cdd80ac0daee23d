namespace Oppdrift.Tests.Infrastructure;

/// <summary>The real-format files in testdata/, copied beside the test assembly.</summary>
public static class TestFiles
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "testdata", .. parts]);

    public static FileStream Open(params string[] parts) => File.OpenRead(Path(parts));

    public static MemoryStream Text(string content, bool byteOrderMark = true)
    {
        var encoding = new System.Text.UTF8Encoding(byteOrderMark);
        return new MemoryStream([.. encoding.GetPreamble(), .. encoding.GetBytes(content)]);
    }
}
