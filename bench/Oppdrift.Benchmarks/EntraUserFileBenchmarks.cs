using BenchmarkDotNet.Attributes;
using Oppdrift.Demo;
using Oppdrift.Organisation;

namespace Oppdrift.Benchmarks;

/// <summary>Reading the demo municipality's Entra ID export, the file behind `oppdrift org import`.</summary>
[MemoryDiagnoser]
[Config(typeof(ReaderConfig))]
public class EntraUserFileBenchmarks
{
    /// <summary>Data rows in the demo's export: 54,135 directory users and 134 guests, which the reader skips.</summary>
    public const int DemoRows = 54_269;

    public const int DemoUsers = 54_135;

    private byte[] _file = [];

    [GlobalSetup]
    public void Generate()
    {
        var municipality = DemoMunicipality.Generate();
        using var stream = new MemoryStream();
        EntraUsersWriter.Write(stream, municipality.People);
        _file = stream.ToArray();
        var file = EntraUserFile.Read(new MemoryStream(_file, writable: false), EntraUsersWriter.FileName);
        if (municipality.People.Count != DemoRows || file.Errors.Count > 0 || file.Users.Count != DemoUsers)
        {
            throw new InvalidOperationException(
                $"Expected {DemoRows} rows and {DemoUsers} users without errors; generated {municipality.People.Count}, read {file.Users.Count} users, {file.GuestsSkipped} guests skipped, {file.Errors.Count} errors.");
        }
    }

    [Benchmark]
    [Rows(DemoRows)]
    public int Read() => EntraUserFile.Read(new MemoryStream(_file, writable: false), EntraUsersWriter.FileName).Users.Count;
}
