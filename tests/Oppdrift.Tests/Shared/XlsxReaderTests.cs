using System.IO.Compression;
using Oppdrift.Shared;
using Oppdrift.Shared.Exports;

namespace Oppdrift.Tests.Shared;

/// <summary>The workbook reader the Forms import uses: real workbooks read, zip bombs and other files refused by name.</summary>
public sealed class XlsxReaderTests
{
    [Fact]
    public void A_workbook_is_read_row_by_row_with_its_texts_and_numbers()
    {
        var file = new MemoryStream();
        using (var writer = new XlsxWriter(file))
        {
            writer.AddSheet("Sheet1", [new List<object?> { "ID", "Svar" }, new List<object?> { 1, "Helt enig" }]);
        }
        file.Position = 0;

        var rows = XlsxReader.ReadFirstSheet(file, "puls.xlsx");

        Assert.True(rows.Succeeded, rows.Error);
        Assert.Equal(["ID", "Svar"], rows.Value![0].Cells.Select(c => c.Text));
        Assert.Equal(1, rows.Value[1][0].Number);
        Assert.Equal("Helt enig", rows.Value[1][1].Text);
    }

    [Fact]
    public void A_zip_bomb_is_refused_by_name_before_it_is_unpacked()
    {
        // Sixty-four megabytes of the same character packs to a few tens of kilobytes: a thousand times and more.
        var bomb = new MemoryStream();
        using (var zip = new ZipArchive(bomb, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var part = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            var block = new byte[1024 * 1024];
            Array.Fill(block, (byte)' ');
            for (var i = 0; i < 64; i++)
            {
                part.Write(block);
            }
        }
        bomb.Position = 0;

        var refused = XlsxReader.ReadFirstSheet(bomb, "bombe.xlsx");

        Assert.False(refused.Succeeded);
        Assert.Equal("bombe.xlsx", refused.Field);
        Assert.Contains("bombe.xlsx pakker seg ut til mer enn", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_no_zip_is_no_workbook()
    {
        var refused = XlsxReader.ReadFirstSheet(new MemoryStream("ID;Svar\n1;Enig\n"u8.ToArray()), "puls.csv");

        Assert.False(refused.Succeeded);
        Assert.Contains("puls.csv er ikke en Excel-arbeidsbok", refused.Error, StringComparison.Ordinal);
    }
}
