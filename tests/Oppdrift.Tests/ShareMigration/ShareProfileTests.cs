using Oppdrift.ShareMigration;

namespace Oppdrift.Tests.ShareMigration;

public sealed class ShareProfileTests
{
    private static FolderProfile Folder(ShareProfile profile, string path) => profile.FolderProfiles.Single(f => f.Path == path);

    [Fact]
    public async Task The_profile_counts_each_top_folder_and_keeps_the_path_lengths_below_it()
    {
        using var share = await PlanShare.CreateAsync();

        var profile = share.Profile();

        Assert.Equal(7, profile.Files);
        Assert.Equal(1000 + 1000 + "spørsmål".Length + 2 + 300 + 50 + 4 + 3, profile.Bytes);
        var economy = Folder(profile, "Økonomi");
        Assert.Equal((4, 1, 2000 + 10 + 300), (economy.Files, economy.Folders, economy.Bytes));
        Assert.Equal(1, economy.NameBlockers); // hva?.txt
        Assert.Equal(4, economy.MaxFolderItems); // three files and the 2019 folder
        Assert.Equal(new DateTime(2026, 10, 1, 12, 0, 0, DateTimeKind.Utc), economy.NewestModified);
        // The copy of the budget and the 2019 file: 1000 + 300 bytes to clean up.
        Assert.Equal((2, 1300), (economy.CleanupFiles, economy.CleanupBytes));
        Assert.True(Folder(profile, "Skjema").HasFormsFolder);
        Assert.False(Folder(profile, "").HasFormsFolder);

        var project = Folder(profile, "Prosjekt");
        Assert.Equal(new Dictionary<int, long> { [100] = 1, [PlanShare.LongRelative] = 1 }, project.Lengths);
        // From the root the same items are "Prosjekt/" (9 units) longer.
        Assert.Equal(new Dictionary<int, long> { [109] = 1, [9 + PlanShare.LongRelative] = 1 }, Folder(profile, "").Lengths);
        Assert.Equal(2, Folder(profile, $"Prosjekt/{PlanShare.LongFolder}").Depth);
        Assert.Contains(profile.Tallies, t => t is { Category: TallyCategory.Finding, Kind: nameof(FindingKind.InvalidCharacter), Items: 1 });
        Assert.Contains(profile.Tallies, t => t is { Category: TallyCategory.Cleanup, Kind: nameof(CleanupKind.DuplicateFile), Items: 1, Bytes: 1000 });
    }

    [Fact]
    public async Task The_400_character_check_is_exact_at_the_limit_for_the_chosen_target()
    {
        using var share = await PlanShare.CreateAsync();
        var project = Folder(share.Profile(), "Prosjekt");
        const string site = "https://kommune.sharepoint.com/sites/p";
        // "/sites/p/Shared Documents" is 25 units; two folders of 130 and 134 make the target 25 + 1 + 265 = 291,
        // and 291 + 1 + 108 = 400 exactly.
        var fits = new string('x', 130) + "/" + new string('y', 134);

        var atLimit = TargetCheck.Check(project, TargetKind.SharePoint, site, "Shared Documents", fits);
        var oneOver = TargetCheck.Check(project, TargetKind.SharePoint, site, "Shared Documents", fits + "z");

        Assert.Equal(291, atLimit.TargetLength);
        Assert.Equal((0L, 400, true), (atLimit.PathsTooLong, atLimit.LongestPath, atLimit.Ready));
        Assert.Equal((1L, 401, false), (oneOver.PathsTooLong, oneOver.LongestPath, oneOver.Ready));
    }

    [Fact]
    public async Task A_forms_folder_blocks_only_when_its_parent_becomes_the_library_root()
    {
        using var share = await PlanShare.CreateAsync();
        var forms = Folder(share.Profile(), "Skjema");

        var atRoot = TargetCheck.Check(forms, TargetKind.SharePoint, "https://k.sharepoint.com/sites/skjema", "Shared Documents", "");
        var inFolder = TargetCheck.Check(forms, TargetKind.SharePoint, "https://k.sharepoint.com/sites/skjema", "Shared Documents", "Skjema");

        Assert.True(atRoot.FormsAtRoot);
        Assert.False(atRoot.Ready);
        Assert.False(inFolder.FormsAtRoot);
        Assert.True(inFolder.Ready);
    }

    [Theory]
    [InlineData(5_000, 99_000, 0, TargetKind.SharePoint, false, false, false, false)]
    [InlineData(5_001, 99_000, 0, TargetKind.SharePoint, true, false, false, false)]
    [InlineData(10, 100_001, 0, TargetKind.SharePoint, false, true, false, false)]
    [InlineData(10, 30_000_001, 0, TargetKind.SharePoint, false, true, true, false)]
    [InlineData(10, 300_000, 0, TargetKind.OneDrive, false, true, false, false)]
    [InlineData(10, 300_001, 0, TargetKind.OneDrive, false, true, false, true)]
    [InlineData(10, 300_001, 0, TargetKind.SharePoint, false, true, false, false)]
    public void Library_and_OneDrive_limits_are_judged_for_the_mapped_folder(long maxFolderItems, long files, long folders, TargetKind kind,
        bool folderView, bool permissions, bool library, bool oneDrive)
    {
        var folder = new FolderProfile("Arkiv", 1, files, folders, files * 10, 0, 0, 0, 0, maxFolderItems, false, null, new Dictionary<int, long>());

        var check = TargetCheck.Check(folder, kind, "https://k.sharepoint.com/sites/arkiv", "Shared Documents", "");

        Assert.Equal((folderView, permissions, library, oneDrive), (check.OverFolderView, check.OverPermissionLimit, check.OverLibraryLimit, check.OverOneDriveSync));
        // Only the 30-million limit stops a library; the others are warnings to plan for.
        Assert.Equal(!library, check.Ready);
    }

    [Fact]
    public void Length_histograms_survive_the_round_trip_through_text()
    {
        var lengths = new Dictionary<int, long> { [250] = 3, [100] = 12, [401] = 1 };

        var text = ShareProfile.FormatLengths(lengths);

        Assert.Equal("100:12;250:3;401:1", text);
        Assert.Equal(lengths, ShareProfile.ParseLengths(text));
    }

    [Theory]
    [InlineData("https://k.sharepoint.com/sites/hr/", "Shared Documents", "", "/sites/hr/Shared Documents")]
    [InlineData("https://k.sharepoint.com/sites/hr", "/Delte dokumenter/", "Arkiv/2024", "/sites/hr/Delte dokumenter/Arkiv/2024")]
    [InlineData("https://k-my.sharepoint.com/personal/ola_kommune_no", "Documents", "Fra fillager", "/personal/ola_kommune_no/Documents/Fra fillager")]
    [InlineData("https://k.sharepoint.com/sites/%C3%B8konomi", "Shared Documents", "", "/sites/økonomi/Shared Documents")]
    public void The_target_path_is_the_decoded_server_relative_path(string site, string library, string folder, string expected) =>
        Assert.Equal(expected, TargetCheck.TargetPath(site, library, folder));
}
