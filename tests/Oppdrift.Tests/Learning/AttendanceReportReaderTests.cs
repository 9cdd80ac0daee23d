using Oppdrift.Learning;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

public sealed class AttendanceReportReaderTests
{
    private static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");

    [Theory]
    [InlineData("attendance-en-us-utf16le.csv", "M/d/y", 4, "Frokostwebinar: Bedre møter i Teams")]
    [InlineData("attendance-nb-no-utf16be.csv", "d.M.y", 3, "Hybrid ledelse, modul 2: Dokumenter og deling")]
    [InlineData("attendance-nb-no-utf16le.csv", "d.M.y", 3, "Hybrid ledelse, modul 2: Dokumenter og deling")]
    [InlineData("attendance-en-gb-utf16be.csv", "d/M/y", 2, "Leder skole: uke 11")]
    public void Reports_in_every_encoding_and_locale_are_read_whole(string file, string order, int participants, string title)
    {
        using var stream = TestFiles.Open("learning", file);
        var (report, errors) = AttendanceReportReader.Read(stream, file, Oslo);

        Assert.Empty(errors);
        Assert.NotNull(report);
        Assert.Equal(order, report.DateOrder);
        Assert.Equal(participants, report.Participants.Count);
        Assert.Equal(title, report.MeetingTitle);
        Assert.All(report.Participants, p => Assert.True(p.FirstJoin <= p.LastLeave));
    }

    [Fact]
    public void Unquoted_names_with_commas_dates_in_local_time_and_durations_are_read_as_written()
    {
        using var stream = TestFiles.Open("learning", "attendance-en-us-utf16le.csv");
        var report = AttendanceReportReader.Read(stream, "a.csv", Oslo).Report!;

        var ola = report.Participants[0];
        Assert.Equal("Nordmann, Ola", ola.Name);
        Assert.Equal("Organizer", ola.Role);
        Assert.Equal(new TimeSpan(1, 1, 59), ola.Duration);
        // 8:00:12 AM in Oslo on 14 March (winter time, UTC+1).
        Assert.Equal(new DateTime(2025, 3, 14, 7, 0, 12, DateTimeKind.Utc), ola.FirstJoin);
        Assert.Equal("Berg, Per Olav (Ekstern)", report.Participants[2].Name);
        Assert.Equal(TimeSpan.FromMinutes(30), report.Participants[2].Duration);
        Assert.Null(report.Participants[2].ParticipantId);
        Assert.Equal(TimeSpan.FromSeconds(42), report.Participants[3].Duration);
        Assert.Equal(5, report.Activities);

        using var norwegian = TestFiles.Open("learning", "attendance-nb-no-utf16be.csv");
        var åse = AttendanceReportReader.Read(norwegian, "b.csv", Oslo).Report!.Participants[1];
        Assert.Equal("Østby, Åse", åse.Name);
        Assert.Equal(new DateTime(2025, 3, 14, 12, 2, 0, DateTimeKind.Utc), åse.FirstJoin);
    }

    [Theory]
    [InlineData("bad-attendance-utf8.csv", "UTF-8", 1, null)]
    [InlineData("bad-attendance-missing-participants.csv", "2. Participants", 0, null)]
    [InlineData("bad-attendance-unknown-column.csv", "Favourite colour", 9, 5)]
    [InlineData("bad-attendance-duration.csv", "about two hours", 11, 4)]
    public void A_malformed_report_is_rejected_with_the_file_line_and_column(string file, string mention, int line, int? column)
    {
        using var stream = TestFiles.Open("learning", file);
        var (report, errors) = AttendanceReportReader.Read(stream, file, Oslo);

        Assert.Null(report);
        Assert.NotEmpty(errors);
        var error = errors[0];
        Assert.Equal(file, error.File);
        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains(mention, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1h 2m 3s", 3723)]
    [InlineData("45m 10s", 2710)]
    [InlineData("12s", 12)]
    [InlineData("2h", 7200)]
    [InlineData("2h 55s", 7255)]
    [InlineData("30m", 1800)]
    [InlineData("10h 0m 0s", 36000)]
    public void Durations_are_read_in_the_form_Teams_writes_them(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), AttendanceReportReader.ParseDuration(text));

    [Theory]
    [InlineData("")]
    [InlineData("1:02:03")]
    [InlineData("about an hour")]
    [InlineData("5m 75s")]
    [InlineData("h m s")]
    public void Text_that_is_not_a_duration_is_refused(string text) =>
        Assert.Null(AttendanceReportReader.ParseDuration(text));
}
