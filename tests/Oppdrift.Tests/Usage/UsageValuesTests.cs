using Oppdrift.Usage;

namespace Oppdrift.Tests.Usage;

public sealed class UsageValuesTests
{
    [Theory]
    [InlineData("PT0S", 0)]
    [InlineData("PT1H2M3S", 3723)]
    [InlineData("PT4H12M30S", 15150)]
    [InlineData("PT45M", 2700)]
    [InlineData("PT59S", 59)]
    [InlineData("PT20M15.5S", 1215.5)]
    [InlineData("PT0.25S", 0.25)]
    [InlineData("PT1.5H", 5400)]
    [InlineData("P1D", 86400)]
    [InlineData("P1DT2H", 93600)]
    [InlineData("P2DT0H0M1S", 172801)]
    [InlineData("pt1h", 3600)]
    [InlineData(" PT10S ", 10)]
    [InlineData("PT100H", 360000)]
    [InlineData("PT90M", 5400)]
    [InlineData("PT0.0000001S", 0.0000001)]
    [InlineData("PT1.123456789S", 1.1234567)]
    [InlineData("P10675199D", 922337193600)]
    public void Durations_are_read_as_ISO_8601(string text, double seconds)
    {
        Assert.True(UsageValues.TryParseDuration(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_duration_is_missing(string text)
    {
        Assert.True(UsageValues.TryParseDuration(text, out var value));
        Assert.Null(value);
    }

    [Theory]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("P1DT")]
    [InlineData("1H2M")]
    [InlineData("PT1H2M3")]
    [InlineData("PTH")]
    [InlineData("PT1S2M")]
    [InlineData("PT1M1M")]
    [InlineData("P1Y")]
    [InlineData("P1M")]
    [InlineData("P1W")]
    [InlineData("PT1H 2M")]
    [InlineData("PT-5S")]
    [InlineData("PT1,5S")]
    [InlineData("01:02:03")]
    [InlineData("3723")]
    [InlineData("P1H")]
    [InlineData("PT1.S")]
    [InlineData("PT.5S")]
    [InlineData("P10675200D")]
    [InlineData("PT9999999999999S")]
    public void Malformed_durations_are_refused(string text) =>
        Assert.False(UsageValues.TryParseDuration(text, out _));

    [Theory]
    [InlineData("True", true)]
    [InlineData("False", false)]
    [InlineData("TRUE", true)]
    [InlineData("false", false)]
    [InlineData("Yes", true)]
    [InlineData("No", false)]
    [InlineData("yes", true)]
    [InlineData("NO", false)]
    [InlineData(" True ", true)]
    public void Booleans_are_read_in_both_spellings(string text, bool expected)
    {
        Assert.True(UsageValues.TryParseBoolean(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("Y")]
    [InlineData("N")]
    [InlineData("Ja")]
    [InlineData("Sann")]
    [InlineData("Truee")]
    [InlineData("Yes No")]
    public void Other_boolean_words_are_refused(string text) =>
        Assert.False(UsageValues.TryParseBoolean(text, out _));

    [Fact]
    public void An_empty_boolean_is_missing()
    {
        Assert.True(UsageValues.TryParseBoolean("", out var value));
        Assert.Null(value);
    }

    [Theory]
    [InlineData("2026-11-24", 2026, 11, 24)]
    [InlineData("2024-02-29", 2024, 2, 29)]
    [InlineData("2021-09-01", 2021, 9, 1)]
    [InlineData("0001-01-01", 1, 1, 1)]
    [InlineData("9999-12-31", 9999, 12, 31)]
    [InlineData(" 2026-01-05 ", 2026, 1, 5)]
    public void Dates_are_read_as_year_month_day(string text, int year, int month, int day)
    {
        Assert.True(UsageValues.TryParseDate(text, out var value));
        Assert.Equal(new DateOnly(year, month, day), value);
    }

    [Theory]
    [InlineData("24.11.2026")]
    [InlineData("11/24/2026")]
    [InlineData("2026-11-24T00:00:00")]
    [InlineData("2026-13-01")]
    [InlineData("2026-00-10")]
    [InlineData("2026-02-29")]
    [InlineData("2026-04-31")]
    [InlineData("2026-1-5")]
    [InlineData("20261124")]
    [InlineData("0000-01-01")]
    [InlineData("2026-11-2x")]
    [InlineData("Never")]
    public void Other_date_forms_are_refused(string text) =>
        Assert.False(UsageValues.TryParseDate(text, out _));

    [Fact]
    public void An_empty_date_is_missing()
    {
        Assert.True(UsageValues.TryParseDate("", out var value));
        Assert.Null(value);
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("42", 42L)]
    [InlineData("1099511627776", 1099511627776L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Counts_are_whole_numbers(string text, long expected)
    {
        Assert.True(UsageValues.TryParseCount(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("fem")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1.5")]
    [InlineData("1,000")]
    [InlineData("1 000")]
    [InlineData("1e3")]
    [InlineData("9223372036854775808")]
    public void Other_numbers_are_refused_as_counts(string text) =>
        Assert.False(UsageValues.TryParseCount(text, out _));

    [Theory]
    [InlineData("1", 1)]
    [InlineData("7", 7)]
    [InlineData("30", 30)]
    [InlineData("90", 90)]
    [InlineData("180", 180)]
    public void Report_periods_are_the_documented_day_counts(string text, int days)
    {
        Assert.True(UsageValues.TryParsePeriod(text, out var value));
        Assert.Equal(days, value);
    }

    [Theory]
    [InlineData("28")]
    [InlineData("D7")]
    [InlineData("0")]
    [InlineData("365")]
    public void Other_periods_are_refused(string text) =>
        Assert.False(UsageValues.TryParsePeriod(text, out _));

    [Theory]
    [InlineData("MICROSOFT 365 E3", new[] { "MICROSOFT 365 E3" })]
    [InlineData("MICROSOFT 365 E3+POWER BI (FREE)", new[] { "MICROSOFT 365 E3", "POWER BI (FREE)" })]
    [InlineData("POWER BI (FREE)+OFFICE 365 E5 WITHOUT AUDIO CONFERENCING+ENTERPRISE MOBILITY + SECURITY E5+BUSINESS APPS (FREE)",
        new[] { "POWER BI (FREE)", "OFFICE 365 E5 WITHOUT AUDIO CONFERENCING", "ENTERPRISE MOBILITY + SECURITY E5", "BUSINESS APPS (FREE)" })]
    [InlineData("ENTERPRISE MOBILITY + SECURITY E3", new[] { "ENTERPRISE MOBILITY + SECURITY E3" })]
    [InlineData("A++B", new[] { "A", "B" })]
    [InlineData("+A+", new[] { "A" })]
    [InlineData("", new string[0])]
    public void Assigned_products_split_on_a_bare_plus_only(string text, string[] expected) =>
        Assert.Equal(expected, UsageValues.SplitProducts(text));

    [Theory]
    [InlineData("FE7CC8C15246EDCCA289C9A4022762F7", true)]
    [InlineData("5C807787F0A30D1C3CDBB76DC1ED3CAB", true)]
    [InlineData("fe7cc8c15246edcca289c9a4022762f7", false)]
    [InlineData("FE7CC8C15246EDCCA289C9A4022762F", false)]
    [InlineData("FE7CC8C15246EDCCA289C9A4022762F7A", false)]
    [InlineData("GE7CC8C15246EDCCA289C9A4022762F7", false)]
    [InlineData("kari.nordmann@nordvik.kommune.no", false)]
    [InlineData("(Unknown)", false)]
    public void Concealed_names_are_32_upper_case_hex_digits(string text, bool concealed) =>
        Assert.Equal(concealed, UsageValues.IsConcealedName(text));

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000", true)]
    [InlineData("6f1c2a3b-1d2e-4f50-9a61-0b1c2d3e4f01", false)]
    [InlineData("", false)]
    public void A_concealed_user_id_is_all_zeros(string text, bool concealed) =>
        Assert.Equal(concealed, UsageValues.IsConcealedUserId(text));

    /// <summary>Text the UTF-8 parsers read on their fast paths, or hand to the text parsers, or refuse.</summary>
    public static readonly TheoryData<string> Samples = new(
        "", " ", "0", "42", " 42 ", "007", "999999999999999999", "9999999999999999999", "99999999999999999999", "-1", "+1", "4 2", "4.0", "٤٢",
        "2026-11-24", " 2026-11-24\u00A0", "2026-02-29", "2024-02-29", "2026-13-01", "0000-01-01", "2026-1-24", "2026/11/24",
        "True", "true", "YES", "no", "False ", "Ja", "Tru", "Yeſ",
        "1", "7", "30", "90", "180", "31", "0007", "0000000180",
        "PT0S", "PT1H2M3S", "PT4H12M30S", "PT999999H", "PT1000000H", "PT999999999999H", "PT9999999999999H", "PT1M1H", "PT1H1H", "pt1h", "P1DT2H",
        "PT20M15.5S", "PT", "PTS", "PT1H ", " PT1H", "PT1H2", "PT1D", "PT0.5S", "PT1H\u00A0");

    [Theory]
    [MemberData(nameof(Samples))]
    public void The_utf8_parsers_agree_with_the_text_parsers(string text)
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(text);

        Assert.Equal((UsageValues.TryParseCount(text, out var count), count), (UsageValues.TryParseCount(utf8, out var count8), count8));
        Assert.Equal((UsageValues.TryParseDate(text, out var date), date), (UsageValues.TryParseDate(utf8, out var date8), date8));
        Assert.Equal((UsageValues.TryParseBoolean(text, out var flag), flag), (UsageValues.TryParseBoolean(utf8, out var flag8), flag8));
        Assert.Equal((UsageValues.TryParsePeriod(text, out var period), period), (UsageValues.TryParsePeriod(utf8, out var period8), period8));
        Assert.Equal((UsageValues.TryParseDuration(text, out var duration), duration), (UsageValues.TryParseDuration(utf8, out var duration8), duration8));
        Assert.Equal(UsageValues.IsConcealedName(text.Trim()), UsageValues.IsConcealedName(UsageValues.TrimUtf8(utf8)));
        Assert.Equal(text.Trim(), System.Text.Encoding.UTF8.GetString(UsageValues.TrimUtf8(utf8)));
    }

    [Theory]
    [InlineData("FE7CC8C15246EDCCA289C9A4022762F7", true)]
    [InlineData("fe7cc8c15246edcca289c9a4022762f7", false)]
    [InlineData("FE7CC8C15246EDCCA289C9A4022762F", false)]
    [InlineData("FE7CC8C15246EDCCA289C9A4022762FG", false)]
    public void A_concealed_name_reads_the_same_in_utf8(string text, bool concealed)
    {
        Assert.Equal(concealed, UsageValues.IsConcealedName(text));
        Assert.Equal(concealed, UsageValues.IsConcealedName(System.Text.Encoding.UTF8.GetBytes(text)));
    }
}
