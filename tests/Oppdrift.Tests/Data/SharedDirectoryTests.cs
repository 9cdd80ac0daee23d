using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Surveys;

namespace Oppdrift.Tests.Data;

/// <summary>Uploads waiting for their next step go where every web node can read them.</summary>
public sealed class SharedDirectoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("oppdrift-shared-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private IConfiguration Configuration(bool shared) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Oppdrift:DataDirectory"] = Path.Combine(_root, "data"),
        ["Oppdrift:SharedDirectory"] = shared ? Path.Combine(_root, "shared") : null,
    }).Build();

    [Fact]
    public void Without_a_shared_directory_the_files_stay_in_the_data_folder()
    {
        Assert.Equal(Path.Combine(_root, "data"), DataDirectory.Shared(Configuration(shared: false)));
    }

    [Fact]
    public async Task Survey_and_directory_uploads_are_saved_in_the_shared_directory_and_read_back_by_another_node()
    {
        var configuration = Configuration(shared: true);
        await using var first = new ServiceCollection().AddSurveys(configuration).AddOrganisation().AddSingleton(configuration).BuildServiceProvider();
        await using var second = new ServiceCollection().AddSurveys(configuration).AddOrganisation().AddSingleton(configuration).BuildServiceProvider();

        var survey = await first.GetRequiredService<SurveyUploads>().SaveAsync([1, 2, 3], "puls.xlsx", default);
        var directory = await first.GetRequiredService<DirectoryUploads>().SaveAsync("userPrincipalName\r\n"u8.ToArray(), "brukere.csv", default);

        Assert.True(File.Exists(Path.Combine(_root, "shared", "survey-uploads", survey + ".xlsx")));
        Assert.True(File.Exists(Path.Combine(_root, "shared", "directory-uploads", directory + ".csv")));
        Assert.False(Directory.Exists(Path.Combine(_root, "data", "survey-uploads")));
        Assert.Equal("puls.xlsx", (await second.GetRequiredService<SurveyUploads>().ReadAsync(survey, default))!.Value.FileName);
        Assert.Equal("brukere.csv", (await second.GetRequiredService<DirectoryUploads>().ReadAsync(directory, default))!.Value.FileName);
    }
}
