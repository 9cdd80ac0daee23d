using System.Globalization;
using Oppdrift.Organisation;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Organisation;

public sealed class EntraUserFileTests
{
    private static DirectoryFile Read(string file)
    {
        using var stream = TestFiles.Open("organisation", file);
        return EntraUserFile.Read(stream, file);
    }

    private static DirectoryFile ReadText(string text, string name = "users.csv") => EntraUserFile.Read(TestFiles.Text(text), name);

    [Fact]
    public void The_documented_export_is_read_by_header_name_and_guests_are_skipped()
    {
        var file = Read("entra-users.csv");

        Assert.Empty(file.Errors);
        Assert.Equal(9, file.Users.Count);
        Assert.Equal(1, file.GuestsSkipped);
        var aase = file.Users.Single(u => u.UserPrincipalName == "aase.odegard@nordvik.kommune.no");
        Assert.Equal("Åse Ødegård", aase.DisplayName);
        Assert.Equal("Lindeberg sykehjem", aase.OfficeLocation);
        Assert.Equal("Sykehjemsetaten", aase.CompanyName);
        Assert.Equal("5b3c1a52-0d2e-4f6b-9a51-1d2f3e4a5b03", aase.ObjectId);
        Assert.False(file.Users.Single(u => u.UserPrincipalName.StartsWith("per.", StringComparison.Ordinal)).AccountEnabled);
        Assert.Equal("Bydel Nord - Økonomi, plan og analyse", file.Users.Single(u => u.GivenName == "Fatima").Department);
    }

    [Fact]
    public void The_newer_export_with_id_officeLocation_and_mobilePhone_is_read()
    {
        var file = Read("entra-users-id-column.csv");

        Assert.Empty(file.Errors);
        Assert.Empty(file.Warnings);
        var ola = file.Users.Single(u => u.GivenName == "Ola");
        Assert.Equal("5b3c1a52-0d2e-4f6b-9a51-1d2f3e4a5b02", ola.ObjectId);
        Assert.Equal("Lindeberg sykehjem", ola.OfficeLocation);
    }

    [Fact]
    public void A_file_resaved_by_Norwegian_Excel_with_semicolons_and_SANN_USANN_is_read()
    {
        var file = Read("entra-users-semicolon.csv");

        Assert.Empty(file.Errors);
        Assert.True(file.Users[0].AccountEnabled);
        Assert.False(file.Users[1].AccountEnabled);
    }

    [Fact]
    public void Unknown_columns_are_accepted_with_a_warning_that_names_them()
    {
        var file = ReadText("userPrincipalName,favouriteColour\r\nkari@k.no,blå\r\n");

        Assert.Empty(file.Errors);
        Assert.Single(file.Users);
        Assert.Contains(file.Warnings, w => w.Contains("favouriteColour", StringComparison.Ordinal));
    }

    [Fact]
    public void A_version_line_before_the_header_is_skipped()
    {
        var file = ReadText("version:v1.0\r\nuserPrincipalName,displayName\r\nkari@k.no,Kari\r\n");

        Assert.Empty(file.Errors);
        Assert.Equal(3, file.Users[0].Line);
    }

    [Theory]
    [InlineData("bad-missing-upn-column.csv", 1, null, "userPrincipalName")]
    [InlineData("bad-too-few-fields.csv", 3, null, "4")]
    [InlineData("bad-duplicate-upn.csv", 4, 1, "line 2")]
    [InlineData("bad-invalid-utf8.csv", 3, 3, "UTF-8")]
    [InlineData("bad-empty.csv", 1, null, "empty")]
    [InlineData("bad-header-only.csv", 2, null, "deactivate")]
    public void A_bad_file_is_rejected_with_its_line_and_column_and_no_users(string name, int line, int? column, string mentions)
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");

        var file = Read(name);

        Assert.Empty(file.Users);
        var error = Assert.Single(file.Errors);
        Assert.Equal(name, error.File);
        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains(mentions, error.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_file_that_is_not_UTF8_is_refused_naming_the_line_the_field_and_the_byte()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");

        // "Bydel Øst" saved as Windows-1252: Ø is the byte D8, the 48th of its line.
        var error = Assert.Single(Read("bad-invalid-utf8.csv").Errors);

        Assert.Equal((3, 3, "companyName"), (error.Line, error.Column, error.ColumnName));
        Assert.Contains("byte 48 ", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("bad-invalid-utf8.csv:3:3 (companyName): ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_are_in_Norwegian_by_default()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("nb-NO");

        var file = Read("bad-missing-upn-column.csv");

        Assert.Contains("mangler kolonnen userPrincipalName", file.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_row_is_reported_not_just_the_first()
    {
        var file = ReadText("userPrincipalName,objectId,accountEnabled\r\nnot-an-upn,,True\r\nok@k.no,not-a-guid,True\r\nok2@k.no,,Maybe\r\n");

        Assert.Equal([2, 3, 4], file.Errors.Select(e => e.Line));
        Assert.Equal([1, 2, 3], file.Errors.Select(e => e.Column!.Value));
        Assert.Empty(file.Users);
    }

    [Fact]
    public void Two_hundred_megabytes_of_garbage_fail_fast_without_reading_the_whole_file()
    {
        using var garbage = new GarbageStream(200L * 1024 * 1024, seed: 42);

        var file = EntraUserFile.Read(garbage, "garbage.csv");

        Assert.Empty(file.Users);
        var error = Assert.Single(file.Errors);
        Assert.Equal("garbage.csv", error.File);
        Assert.Equal(1, error.Line);
        Assert.True(garbage.Position < 1024 * 1024, $"read {garbage.Position:N0} bytes of garbage before giving up");
    }

    [Fact]
    public void Two_hundred_megabytes_of_printable_garbage_fail_at_the_header()
    {
        using var garbage = new GarbageStream(200L * 1024 * 1024, seed: 7, printable: true);

        var file = EntraUserFile.Read(garbage, "garbage.csv");

        Assert.Empty(file.Users);
        Assert.NotEmpty(file.Errors);
        Assert.True(garbage.Position < 1024 * 1024, $"read {garbage.Position:N0} bytes of garbage before giving up");
    }

    /// <summary>Random bytes produced on demand, so a huge file costs no memory.</summary>
    private sealed class GarbageStream(long length, int seed, bool printable = false) : Stream
    {
        private readonly Random _random = new(seed);
        private long _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            var span = buffer.AsSpan(offset, n);
            _random.NextBytes(span);
            if (printable)
            {
                for (var i = 0; i < span.Length; i++)
                {
                    span[i] = (byte)(0x20 + (span[i] % 0x5E));
                }
            }
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
