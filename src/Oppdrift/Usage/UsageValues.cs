using System.Globalization;
using System.Text;

namespace Oppdrift.Usage;

/// <summary>
/// The value parsers for the usage reports' text, on spans so the reader allocates nothing per value. Each returns
/// false for text it cannot read; an empty value is "missing" (true with no value), as the reports write it.
/// </summary>
public static class UsageValues
{
    /// <summary>yyyy-MM-dd exactly; Microsoft writes no other form in these reports.</summary>
    public static bool TryParseDate(ReadOnlySpan<char> text, out DateOnly? value)
    {
        value = null;
        text = text.Trim();
        if (text.IsEmpty)
        {
            return true;
        }
        if (text.Length != 10 || text[4] != '-' || text[7] != '-'
            || !TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month) || !TryDigits(text.Slice(8, 2), out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        value = new DateOnly(year, month, day);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
            value = (value * 10) + (c - '0');
        }
        return true;
    }

    /// <summary>True/False (Is Deleted, Has … License) and Yes/No (Has Other Action, Is Licensed, the app columns), any case.</summary>
    public static bool TryParseBoolean(ReadOnlySpan<char> text, out bool? value)
    {
        value = null;
        text = text.Trim();
        if (text.IsEmpty)
        {
            return true;
        }
        if (text.Equals("True", StringComparison.OrdinalIgnoreCase) || text.Equals("Yes", StringComparison.OrdinalIgnoreCase))
        {
            value = true;
            return true;
        }
        if (text.Equals("False", StringComparison.OrdinalIgnoreCase) || text.Equals("No", StringComparison.OrdinalIgnoreCase))
        {
            value = false;
            return true;
        }
        return false;
    }

    /// <summary>A non-negative whole number with no sign, separators or decimals (counts and bytes never have them).</summary>
    public static bool TryParseCount(ReadOnlySpan<char> text, out long? value)
    {
        value = null;
        text = text.Trim();
        if (text.IsEmpty)
        {
            return true;
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }
        value = number;
        return true;
    }

    /// <summary>The report period in days: 7, 30, 90 or 180 for period reports; 1 for a single-day (date=) report.</summary>
    public static bool TryParsePeriod(ReadOnlySpan<char> text, out int? value)
    {
        value = null;
        text = text.Trim();
        if (text.IsEmpty)
        {
            return true;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days is not (1 or 7 or 30 or 90 or 180))
        {
            return false;
        }
        value = days;
        return true;
    }

    /// <summary>
    /// An ISO 8601 duration of days and time (P1DT2H3M4.5S, PT0S); any component may have a fraction (to 100 ns).
    /// Years, months and weeks are refused: their length is ambiguous and Teams never writes them.
    /// Integer arithmetic in ticks, not decimal: Teams has three durations a row and this is on the import's hot path.
    /// </summary>
    public static bool TryParseDuration(ReadOnlySpan<char> text, out TimeSpan? value)
    {
        value = null;
        text = text.Trim();
        if (text.IsEmpty)
        {
            return true;
        }
        if (text.Length < 3 || (text[0] != 'P' && text[0] != 'p'))
        {
            return false;
        }
        var i = 1;
        var inTime = false;
        var any = false;
        long ticks = 0;
        var lastOrder = 0; // D=1, H=2, M=3, S=4: components must come in order and once
        while (i < text.Length)
        {
            if (text[i] is 'T' or 't')
            {
                if (inTime || i == text.Length - 1)
                {
                    return false;
                }
                inTime = true;
                i++;
                continue;
            }
            // Only '.' as the decimal mark: ISO 8601 also allows ',', but Microsoft writes '.'.
            long whole = 0;
            var wholeDigits = 0;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                if (++wholeDigits > 12)
                {
                    return false;
                }
                whole = (whole * 10) + (text[i++] - '0');
            }
            long fraction = 0;
            long fractionScale = 1;
            if (i < text.Length && text[i] == '.')
            {
                i++;
                var fractionDigits = 0;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    if (fractionDigits++ < 7)
                    {
                        fraction = (fraction * 10) + (text[i] - '0');
                        fractionScale *= 10;
                    }
                    i++;
                }
                if (fractionDigits == 0)
                {
                    return false;
                }
            }
            if (wholeDigits == 0 || i == text.Length)
            {
                return false;
            }
            var (order, unit) = (char.ToUpperInvariant(text[i]), inTime) switch
            {
                ('D', false) => (1, TimeSpan.TicksPerDay),
                ('H', true) => (2, TimeSpan.TicksPerHour),
                ('M', true) => (3, TimeSpan.TicksPerMinute),
                ('S', true) => (4, TimeSpan.TicksPerSecond),
                _ => (0, 0L),
            };
            if (order <= lastOrder)
            {
                return false;
            }
            lastOrder = order;
            try
            {
                ticks = checked(ticks + (whole * unit) + (fraction * unit / fractionScale));
            }
            catch (OverflowException)
            {
                return false;
            }
            any = true;
            i++;
        }
        if (!any)
        {
            return false;
        }
        value = TimeSpan.FromTicks(ticks);
        return true;
    }

    /// <summary>
    /// Splits Assigned Products on '+'. A '+' with spaces on both sides is part of a name
    /// ("ENTERPRISE MOBILITY + SECURITY E5"), so only a bare '+' separates products.
    /// </summary>
    public static IReadOnlyList<string> SplitProducts(string text)
    {
        var products = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '+' && !(i > 0 && text[i - 1] == ' ' && i + 1 < text.Length && text[i + 1] == ' '))
            {
                AddProduct(products, text.AsSpan(start, i - start));
                start = i + 1;
            }
        }
        AddProduct(products, text.AsSpan(start));
        return products;
    }

    private static void AddProduct(List<string> products, ReadOnlySpan<char> product)
    {
        product = product.Trim();
        if (!product.IsEmpty)
        {
            products.Add(product.ToString());
        }
    }

    /// <summary>A concealed name or id: exactly 32 upper-case hexadecimal digits (the length of an MD5 hash).</summary>
    public static bool IsConcealedName(ReadOnlySpan<char> text)
    {
        if (text.Length != 32)
        {
            return false;
        }
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'A' and <= 'F'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The UTF-8 forms the reader uses on its hot path. Each handles the plain ASCII text the reports hold and hands
    /// anything else to the text form above, so the two can never disagree about what is valid.
    /// </summary>
    internal static bool TryParseDate(ReadOnlySpan<byte> utf8, out DateOnly? value)
    {
        value = null;
        utf8 = TrimUtf8(utf8);
        if (utf8.IsEmpty)
        {
            return true;
        }
        // Any byte that is not an ASCII digit or '-' fails here, just as the text form refuses any such character.
        if (utf8.Length != 10 || utf8[4] != (byte)'-' || utf8[7] != (byte)'-'
            || !TryDigits(utf8[..4], out var year) || !TryDigits(utf8.Slice(5, 2), out var month) || !TryDigits(utf8.Slice(8, 2), out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        value = new DateOnly(year, month, day);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> utf8, out int value)
    {
        value = 0;
        foreach (var b in utf8)
        {
            var digit = (uint)(b - (byte)'0');
            if (digit > 9)
            {
                return false;
            }
            value = (value * 10) + (int)digit;
        }
        return true;
    }

    internal static bool TryParseCount(ReadOnlySpan<byte> utf8, out long? value)
    {
        value = null;
        utf8 = TrimUtf8(utf8);
        if (utf8.IsEmpty)
        {
            return true;
        }
        // Eighteen digits cannot overflow a long; longer numbers take the general parser's overflow check.
        if (utf8.Length <= 18 && TryLongDigits(utf8, out var number))
        {
            value = number;
            return true;
        }
        if (!long.TryParse(utf8, NumberStyles.None, CultureInfo.InvariantCulture, out number))
        {
            return false;
        }
        value = number;
        return true;
    }

    /// <summary>One to eighteen ASCII digits and nothing else: a count as the reports write it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static bool TryParseDigits(ReadOnlySpan<byte> utf8, out long value)
    {
        value = 0;
        return utf8.Length is > 0 and <= 18 && TryLongDigits(utf8, out value);
    }

    private static bool TryLongDigits(ReadOnlySpan<byte> utf8, out long value)
    {
        value = 0;
        foreach (var b in utf8)
        {
            var digit = (uint)(b - (byte)'0');
            if (digit > 9)
            {
                return false;
            }
            value = (value * 10) + digit;
        }
        return true;
    }

    internal static bool TryParseBoolean(ReadOnlySpan<byte> utf8, out bool? value)
    {
        value = null;
        utf8 = TrimUtf8(utf8);
        if (utf8.IsEmpty)
        {
            return true;
        }
        if (Ascii.EqualsIgnoreCase(utf8, "True"u8) || Ascii.EqualsIgnoreCase(utf8, "Yes"u8))
        {
            value = true;
            return true;
        }
        if (Ascii.EqualsIgnoreCase(utf8, "False"u8) || Ascii.EqualsIgnoreCase(utf8, "No"u8))
        {
            value = false;
            return true;
        }
        return !Ascii.IsValid(utf8) && WithText(utf8, static text => (TryParseBoolean(text, out var flag), flag), out value);
    }

    internal static bool TryParsePeriod(ReadOnlySpan<byte> utf8, out int? value)
    {
        value = null;
        utf8 = TrimUtf8(utf8);
        if (utf8.IsEmpty)
        {
            return true;
        }
        if (utf8.Length <= 9 && TryDigits(utf8, out int days))
        {
            value = days is 1 or 7 or 30 or 90 or 180 ? days : null;
            return value is not null;
        }
        return WithText(utf8, static text => (TryParsePeriod(text, out var period), period), out value);
    }

    /// <summary>
    /// PT1H2M3S as Teams writes it (upper case, whole numbers of hours, minutes and seconds, in order) is read here;
    /// anything else, valid or not, goes to the text parser, which defines durations.
    /// </summary>
    internal static bool TryParseDuration(ReadOnlySpan<byte> utf8, out TimeSpan? value)
    {
        if (utf8.Length >= 4 && utf8[0] == (byte)'P' && utf8[1] == (byte)'T' && TryParseTeamsDuration(utf8[2..], out var ticks))
        {
            value = TimeSpan.FromTicks(ticks);
            return true;
        }
        return WithText(utf8, static text => (TryParseDuration(text, out var duration), duration), out value);
    }

    /// <summary>The part after "PT": whole hours, minutes and seconds, each at most once and in that order.</summary>
    private static bool TryParseTeamsDuration(ReadOnlySpan<byte> utf8, out long ticks)
    {
        ticks = 0;
        var lastOrder = 0;
        var i = 0;
        while (i < utf8.Length)
        {
            long whole = 0;
            var digits = 0;
            // At most six digits a component (longer numbers go to the text parser), so the sum cannot overflow.
            while (i < utf8.Length && utf8[i] - (uint)'0' <= 9 && digits < 6)
            {
                whole = (whole * 10) + (utf8[i++] - '0');
                digits++;
            }
            if (digits == 0 || i == utf8.Length)
            {
                return false;
            }
            var (order, unit) = utf8[i++] switch
            {
                (byte)'H' => (2, TimeSpan.TicksPerHour),
                (byte)'M' => (3, TimeSpan.TicksPerMinute),
                (byte)'S' => (4, TimeSpan.TicksPerSecond),
                _ => (0, 0L),
            };
            if (order <= lastOrder)
            {
                return false;
            }
            lastOrder = order;
            ticks += whole * unit;
        }
        return lastOrder > 0;
    }

    /// <summary>A concealed name in UTF-8: 32 upper-case hexadecimal digits.</summary>
    internal static bool IsConcealedName(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length != 32)
        {
            return false;
        }
        foreach (var b in utf8)
        {
            if (b is not ((>= (byte)'0' and <= (byte)'9') or (>= (byte)'A' and <= (byte)'F')))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Leading and trailing white space removed as <see cref="MemoryExtensions.Trim(ReadOnlySpan{char})"/> removes it
    /// (Unicode white space, not only ASCII), from valid UTF-8.
    /// </summary>
    internal static ReadOnlySpan<byte> TrimUtf8(ReadOnlySpan<byte> utf8) => TrimUtf8(utf8, out _);

    /// <summary>As <see cref="TrimUtf8(ReadOnlySpan{byte})"/>, with the number of bytes taken off the front.</summary>
    internal static ReadOnlySpan<byte> TrimUtf8(ReadOnlySpan<byte> utf8, out int skipped)
    {
        skipped = 0;
        // White space is either ASCII at or below ' ' or not ASCII at all: text that starts and ends with other
        // ASCII, as nearly every field does, has nothing to trim.
        if (utf8.IsEmpty || (utf8[0] - 0x21u < 0x5F && utf8[^1] - 0x21u < 0x5F))
        {
            return utf8;
        }
        var length = utf8.Length;
        while (!utf8.IsEmpty)
        {
            var first = utf8[0];
            if (first < 0x80)
            {
                if (!char.IsWhiteSpace((char)first))
                {
                    break;
                }
                utf8 = utf8[1..];
            }
            else if (Rune.DecodeFromUtf8(utf8, out var rune, out var consumed) == System.Buffers.OperationStatus.Done && Rune.IsWhiteSpace(rune))
            {
                utf8 = utf8[consumed..];
            }
            else
            {
                break;
            }
        }
        skipped = length - utf8.Length;
        while (!utf8.IsEmpty)
        {
            var last = utf8[^1];
            if (last < 0x80)
            {
                if (!char.IsWhiteSpace((char)last))
                {
                    break;
                }
                utf8 = utf8[..^1];
            }
            else if (Rune.DecodeLastFromUtf8(utf8, out var rune, out var consumed) == System.Buffers.OperationStatus.Done && Rune.IsWhiteSpace(rune))
            {
                utf8 = utf8[..^consumed];
            }
            else
            {
                break;
            }
        }
        return utf8;
    }

    private delegate (bool Ok, T? Value) TextParser<T>(ReadOnlySpan<char> text)
        where T : struct;

    private static bool WithText<T>(ReadOnlySpan<byte> utf8, TextParser<T> parse, out T? value)
        where T : struct
    {
        Span<char> buffer = stackalloc char[64];
        var text = utf8.Length <= buffer.Length ? buffer[..Encoding.UTF8.GetChars(utf8, buffer)] : Encoding.UTF8.GetString(utf8).AsSpan();
        (var ok, value) = parse(text);
        return ok;
    }

    /// <summary>The User Id a concealed tenant writes: a GUID of zeros.</summary>
    public static bool IsConcealedUserId(ReadOnlySpan<char> text) =>
        Guid.TryParse(text, out var id) && id == Guid.Empty;

    /// <summary>The placeholder Microsoft writes for a user it cannot name (often one deleted since).</summary>
    public const string UnknownUser = "(Unknown)";
}
