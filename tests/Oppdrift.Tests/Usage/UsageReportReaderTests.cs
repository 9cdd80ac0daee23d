using System.Globalization;
using System.Text;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Usage;

public sealed class UsageReportReaderTests
{
    private static readonly DateOnly Refreshed = new(2026, 11, 24);

    private static UsageReportFile Read(string file, UsageReadOptions? options = null)
    {
        using var stream = TestFiles.Open("usage", file);
        return UsageReportFile.Read(stream, file, options);
    }

    private static UsageReportFile ReadText(string text, UsageReadOptions? options = null) =>
        UsageReportFile.Read(TestFiles.Text(text), "report.csv", options);

    private static T Value<T>(UsageRow row, string column, Func<UsageRow, int, T> get)
    {
        var index = row.Report.IndexOf(column);
        Assert.True(index >= 0, $"{row.Report.Name} has no column {column}");
        return get(row, index);
    }

    [Theory]
    [InlineData("office365-active-user-detail.csv", "getOffice365ActiveUserDetail", 3)]
    [InlineData("email-activity-user-detail.csv", "getEmailActivityUserDetail", 3)]
    [InlineData("teams-user-activity-user-detail.csv", "getTeamsUserActivityUserDetail", 3)]
    [InlineData("teams-user-activity-user-detail-concealed.csv", "getTeamsUserActivityUserDetail", 2)]
    [InlineData("teams-user-activity-reordered.csv", "getTeamsUserActivityUserDetail", 2)]
    [InlineData("onedrive-activity-user-detail.csv", "getOneDriveActivityUserDetail", 2)]
    [InlineData("sharepoint-activity-user-detail.csv", "getSharePointActivityUserDetail", 2)]
    [InlineData("onedrive-usage-account-detail.csv", "getOneDriveUsageAccountDetail", 2)]
    [InlineData("sharepoint-site-usage-detail-concealed.csv", "getSharePointSiteUsageDetail", 2)]
    [InlineData("mailbox-usage-detail.csv", "getMailboxUsageDetail", 2)]
    [InlineData("m365-app-user-detail.csv", "getM365AppUserDetail", 2)]
    [InlineData("copilot-usage-user-detail.csv", "getMicrosoft365CopilotUsageUserDetail", 3)]
    [InlineData("teams-device-usage-user-detail.csv", "getTeamsDeviceUsageUserDetail", 3)]
    public void Each_report_is_recognised_from_its_header_and_read(string file, string report, int rows)
    {
        var result = Read(file);

        Assert.Empty(result.Errors);
        Assert.Equal(report, result.Report?.Name);
        Assert.Equal(rows, result.Rows.Count);
        Assert.Equal(Refreshed, result.RefreshDate);
    }

    [Theory]
    [InlineData("email-activity-user-detail.csv")]
    [InlineData("teams-user-activity-user-detail.csv")]
    [InlineData("onedrive-activity-user-detail.csv")]
    [InlineData("sharepoint-activity-user-detail.csv")]
    [InlineData("mailbox-usage-detail.csv")]
    [InlineData("m365-app-user-detail.csv")]
    public void The_report_the_command_expects_is_read_without_complaint(string file)
    {
        var report = Read(file).Report!;

        var result = Read(file, new UsageReadOptions { ExpectedReport = report, ExpectedRefreshDate = Refreshed });

        Assert.Empty(result.Errors);
        Assert.NotEmpty(result.Rows);
    }

    [Fact]
    public void Every_catalogued_report_is_recognised_from_its_documented_header()
    {
        foreach (var report in UsageReportCatalogue.All)
        {
            Assert.Same(report, UsageReportCatalogue.Recognise([.. report.Columns.Select(c => c.Name)]));
            Assert.Same(report, UsageReportCatalogue.Find(report.Name.ToUpperInvariant()));
        }
    }

    [Fact]
    public void Email_activity_values_are_typed()
    {
        var rows = Read("email-activity-user-detail.csv").Rows;

        var kari = rows[0];
        Assert.Equal("kari.nordmann@nordvik.kommune.no", kari.User);
        Assert.Equal(42, Value(kari, "Send Count", (r, i) => r.GetCount(i)));
        Assert.Equal(310, Value(kari, "Receive Count", (r, i) => r.GetCount(i)));
        Assert.Equal(new DateOnly(2026, 11, 24), Value(kari, "Last Activity Date", (r, i) => r.GetDate(i)));
        Assert.False(Value(kari, "Is Deleted", (r, i) => r.GetBoolean(i)));
        Assert.Null(Value(kari, "Deleted Date", (r, i) => r.GetDate(i)));
        Assert.Equal(7, Value(kari, "Report Period", (r, i) => r.GetPeriod(i)));
        Assert.Equal(2, kari.Line);
        // A quoted display name with a comma, and a user who never was active.
        Assert.Equal("Lie, Ola", Value(rows[2], "Display Name", (r, i) => r.GetText(i)));
        Assert.Null(Value(rows[2], "Last Activity Date", (r, i) => r.GetDate(i)));
        Assert.Equal("Åse Ødegård", Value(rows[1], "Display Name", (r, i) => r.GetText(i)));
    }

    [Fact]
    public void Teams_durations_and_yes_no_columns_are_typed()
    {
        var kari = Read("teams-user-activity-user-detail.csv").Rows[0];

        Assert.Equal(new TimeSpan(4, 12, 30), Value(kari, "Audio Duration", (r, i) => r.GetDuration(i)));
        Assert.Equal(TimeSpan.FromSeconds(1215.5), Value(kari, "Screen Share Duration", (r, i) => r.GetDuration(i)));
        Assert.Equal(15150, Value(kari, "Audio Duration In Seconds", (r, i) => r.GetCount(i)));
        Assert.False(Value(kari, "Has Other Action", (r, i) => r.GetBoolean(i)));
        Assert.True(Value(kari, "Is Licensed", (r, i) => r.GetBoolean(i)));
        Assert.Equal(120, Value(kari, "Private Chat Message Count", (r, i) => r.GetCount(i)));
    }

    [Fact]
    public void Assigned_products_keep_a_plus_inside_a_product_name()
    {
        var kari = Read("office365-active-user-detail.csv").Rows[0];

        Assert.Equal(["MICROSOFT 365 E3", "ENTERPRISE MOBILITY + SECURITY E3"], Value(kari, "Assigned Products", (r, i) => r.GetProducts(i)));
    }

    [Fact]
    public void Unknown_users_are_skipped_and_counted_as_a_warning()
    {
        var result = Read("office365-active-user-detail.csv");

        Assert.Empty(result.Errors);
        Assert.Equal(1, result.UnknownUsersSkipped);
        Assert.DoesNotContain(result.Rows, r => r.User == "(Unknown)");
        Assert.Contains(result.Warnings, w => w.Contains("(Unknown)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_concealed_tenant_is_detected_and_read()
    {
        var result = Read("teams-user-activity-user-detail-concealed.csv");

        Assert.Empty(result.Errors);
        Assert.Equal(UsageConcealment.Concealed, result.Concealment);
        Assert.Equal(1, result.UnknownUsersSkipped);
        Assert.Equal("FE7CC8C15246EDCCA289C9A4022762F7", result.Rows[0].User);
        Assert.True(UsageValues.IsConcealedUserId(Value(result.Rows[0], "User Id", (r, i) => r.GetText(i))));
        Assert.Equal(TimeSpan.FromHours(26), Value(result.Rows[0], "Audio Duration", (r, i) => r.GetDuration(i)));
    }

    [Fact]
    public void A_concealed_site_report_is_keyed_by_site_id_with_empty_urls()
    {
        var result = Read("sharepoint-site-usage-detail-concealed.csv");

        Assert.Equal(UsageConcealment.Concealed, result.Concealment);
        Assert.All(result.Rows, r => Assert.Null(Value(r, "Site URL", (row, i) => row.GetText(i))));
        Assert.Equal("2b7e4c1a-5d3f-4e2a-9b8c-1a2b3c4d5e02", Value(result.Rows[1], "Site Id", (r, i) => r.GetText(i)));
        Assert.Null(result.Rows[1].User);
    }

    [Fact]
    public void A_file_with_both_concealed_and_plain_names_is_mixed()
    {
        var result = ReadText("Report Refresh Date,User Principal Name,Is Deleted,Last Activity Date,Viewed Or Edited File Count,Synced File Count,Shared Internally File Count,Shared Externally File Count,Assigned Products,Report Period\n"
            + "2026-11-24,FE7CC8C15246EDCCA289C9A4022762F7,False,,1,2,3,4,,7\n2026-11-24,kari@nordvik.kommune.no,False,,1,2,3,4,,7\n");

        Assert.Empty(result.Errors);
        Assert.Equal(UsageConcealment.Mixed, result.Concealment);
    }

    [Fact]
    public void A_tenant_that_shows_names_is_identified()
    {
        Assert.Equal(UsageConcealment.Identified, Read("teams-user-activity-user-detail.csv").Concealment);
    }

    [Fact]
    public void Columns_are_found_by_name_in_any_order_and_extra_columns_give_one_warning()
    {
        var result = Read("teams-user-activity-reordered.csv");

        Assert.Empty(result.Errors);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("Meetings Unclassified Count", warning, StringComparison.Ordinal);
        var kari = result.Rows[0];
        Assert.Equal("kari.nordmann@nordvik.kommune.no", kari.User);
        Assert.Equal(14, Value(kari, "Team Chat Message Count", (r, i) => r.GetCount(i)));
        Assert.Equal(new TimeSpan(4, 12, 30), Value(kari, "Audio Duration", (r, i) => r.GetDuration(i)));
        // Columns the file does not have are missing, not zero.
        Assert.Null(Value(kari, "Video Duration", (r, i) => r.GetDuration(i)));
    }

    [Fact]
    public void Header_names_are_matched_without_regard_to_case()
    {
        var result = ReadText("report refresh date,USER PRINCIPAL NAME,is deleted,Last Activity Date,Viewed Or Edited File Count,Synced File Count,Shared Internally File Count,Shared Externally File Count,Assigned Products,Report Period\r\n2026-11-24,kari@nordvik.kommune.no,False,,1,2,3,4,,7\r\n");

        Assert.Empty(result.Errors);
        Assert.Same(UsageReportCatalogue.OneDriveActivityUserDetail, result.Report);
        Assert.Single(result.Rows);
    }

    [Fact]
    public void The_wrong_report_for_the_command_is_rejected_naming_both()
    {
        var result = Read("email-activity-user-detail.csv", new UsageReadOptions { ExpectedReport = UsageReportCatalogue.TeamsUserActivityUserDetail });

        var error = Assert.Single(result.Errors);
        Assert.Equal("email-activity-user-detail.csv", error.File);
        Assert.Equal(1, error.Line);
        Assert.Contains("getEmailActivityUserDetail", error.Message, StringComparison.Ordinal);
        Assert.Contains("getTeamsUserActivityUserDetail", error.Message, StringComparison.Ordinal);
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void A_missing_required_column_is_named()
    {
        var result = Read("bad-email-missing-column.csv", new UsageReadOptions { ExpectedReport = UsageReportCatalogue.EmailActivityUserDetail });

        var error = Assert.Single(result.Errors);
        Assert.Equal("bad-email-missing-column.csv", error.File);
        Assert.Equal(1, error.Line);
        Assert.Equal("Send Count", error.ColumnName);
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void A_file_that_is_no_usage_report_is_rejected()
    {
        var result = ReadText("userPrincipalName,department\r\nkari@nordvik.kommune.no,Helse\r\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(1, error.Line);
        Assert.Null(result.Report);
        Assert.Empty(result.Rows);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("getEmailActivityUserDetail")]
    public void A_report_saved_with_semicolons_is_rejected_naming_the_separator(string? expected)
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
        // What Excel with Norwegian settings writes when the downloaded report is opened and saved again.
        var text = File.ReadAllText(TestFiles.Path("usage", "email-activity-user-detail.csv")).Replace(',', ';');
        var options = new UsageReadOptions { ExpectedReport = expected is null ? null : UsageReportCatalogue.Find(expected) };

        var result = ReadText(text, options);

        var error = Assert.Single(result.Errors);
        Assert.Equal(1, error.Line);
        Assert.Contains("';'", error.Message, StringComparison.Ordinal);
        Assert.Contains("getEmailActivityUserDetail", error.Message, StringComparison.Ordinal);
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void An_empty_file_is_rejected()
    {
        var result = ReadText("");

        Assert.Equal(1, Assert.Single(result.Errors).Line);
    }

    [Fact]
    public void A_non_numeric_count_is_rejected_with_line_and_column()
    {
        var result = Read("bad-email-non-numeric-count.csv");

        var error = Assert.Single(result.Errors);
        Assert.Equal("bad-email-non-numeric-count.csv", error.File);
        Assert.Equal(3, error.Line);
        Assert.Equal(7, error.Column);
        Assert.Equal("Send Count", error.ColumnName);
        Assert.Contains("fem", error.Message, StringComparison.Ordinal);
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void A_bad_date_is_rejected_with_line_and_column()
    {
        var result = Read("bad-email-date.csv");

        var error = Assert.Single(result.Errors);
        Assert.Equal("bad-email-date.csv", error.File);
        Assert.Equal(2, error.Line);
        Assert.Equal(6, error.Column);
        Assert.Equal("Last Activity Date", error.ColumnName);
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void A_truncated_file_is_rejected_at_the_first_missing_field()
    {
        var result = Read("bad-email-truncated.csv");

        var error = Assert.Single(result.Errors);
        Assert.Equal("bad-email-truncated.csv", error.File);
        Assert.Equal(3, error.Line);
        Assert.Equal(9, error.Column);
        Assert.Equal("Read Count", error.ColumnName);
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void A_row_with_too_many_fields_is_rejected()
    {
        var result = ReadText("Report Refresh Date,User Principal Name,Is Deleted,Last Activity Date,Viewed Or Edited File Count,Synced File Count,Shared Internally File Count,Shared Externally File Count,Assigned Products,Report Period\r\n2026-11-24,kari@nordvik.kommune.no,False,,1,2,3,4,,7,extra\r\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(2, error.Line);
        Assert.Equal(11, error.Column);
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void A_file_in_the_wrong_encoding_is_rejected_at_the_first_bad_byte()
    {
        var result = Read("bad-email-windows-1252.csv");

        var error = Assert.Single(result.Errors);
        Assert.Equal("bad-email-windows-1252.csv", error.File);
        Assert.Equal(3, error.Line);
        // "Åse Ødegård" in Windows-1252: the Display Name field.
        Assert.Equal(3, error.Column);
        Assert.Equal("Display Name", error.ColumnName);
        Assert.Contains("44", error.Message, StringComparison.Ordinal); // the byte in the line, from the CSV reader
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void A_refresh_date_other_than_the_expected_one_is_rejected()
    {
        var result = Read("email-activity-user-detail.csv", new UsageReadOptions { ExpectedRefreshDate = new DateOnly(2026, 11, 25) });

        Assert.Equal(3, result.Errors.Count);
        var error = result.Errors[0];
        Assert.Equal("email-activity-user-detail.csv", error.File);
        Assert.Equal(2, error.Line);
        Assert.Equal(1, error.Column);
        Assert.Equal("Report Refresh Date", error.ColumnName);
        Assert.Contains("2026-11-25", error.Message, StringComparison.Ordinal);
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void Rows_with_different_refresh_dates_in_one_file_are_rejected()
    {
        var result = Read("bad-email-refresh-date.csv");

        var error = Assert.Single(result.Errors);
        Assert.Equal(3, error.Line);
        Assert.Equal(1, error.Column);
        Assert.Equal("Report Refresh Date", error.ColumnName);
        Assert.Contains("2026-11-23", error.Message, StringComparison.Ordinal);
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void An_empty_user_principal_name_is_rejected()
    {
        var result = ReadText("Report Refresh Date,User Principal Name,Is Deleted,Last Activity Date,Viewed Or Edited File Count,Synced File Count,Shared Internally File Count,Shared Externally File Count,Assigned Products,Report Period\r\n2026-11-24,,False,,1,2,3,4,,7\r\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(2, error.Line);
        Assert.Equal(2, error.Column);
        Assert.Equal("User Principal Name", error.ColumnName);
    }

    [Fact]
    public void Reading_stops_after_the_error_limit()
    {
        var text = new StringBuilder("Report Refresh Date,User Principal Name,Is Deleted,Last Activity Date,Viewed Or Edited File Count,Synced File Count,Shared Internally File Count,Shared Externally File Count,Assigned Products,Report Period\r\n");
        for (var i = 0; i < 1000; i++)
        {
            text.Append("2026-11-24,u").Append(i).Append("@nordvik.kommune.no,False,,many,2,3,4,,7\r\n");
        }

        var result = ReadText(text.ToString());

        Assert.Equal(201, result.Errors.Count);
        Assert.Equal(201, result.Errors[^1].Line);
        Assert.Null(result.Errors[^1].Column);
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void The_streaming_reader_reports_errors_after_the_good_rows_it_returned()
    {
        using var stream = TestFiles.Open("usage", "bad-email-non-numeric-count.csv");
        using var reader = UsageReportReader.Open(stream, "bad-email-non-numeric-count.csv");

        Assert.NotNull(reader.Read());
        Assert.Null(reader.Read());
        Assert.Single(reader.Errors);
        Assert.Equal(1, reader.RowsRead);
    }
}
