using System;
using System.Collections.Generic;
using System.Globalization;

namespace Gen.Plots;

/// <summary>An opaque colour, 8 bits per channel.</summary>
/// <param name="R">Red, 0..255.</param>
/// <param name="G">Green, 0..255.</param>
/// <param name="B">Blue, 0..255.</param>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary>Black.</summary>
    public static Rgb Black => new(0, 0, 0);

    /// <summary>White.</summary>
    public static Rgb White => new(255, 255, 255);

    /// <summary>
    /// The colours given in turn to series and point sets that name none: the ten of Tableau's "Tableau 10"
    /// (matplotlib's default cycle), blue first.
    /// </summary>
    public static IReadOnlyList<Rgb> Palette { get; } = new[]
    {
        FromHex("#1f77b4"), FromHex("#ff7f0e"), FromHex("#2ca02c"), FromHex("#d62728"), FromHex("#9467bd"),
        FromHex("#8c564b"), FromHex("#e377c2"), FromHex("#7f7f7f"), FromHex("#bcbd22"), FromHex("#17becf"),
    };

    /// <summary>A grey with all three channels equal to <paramref name="level"/>.</summary>
    /// <param name="level">0 (black) to 255 (white).</param>
    public static Rgb Gray(byte level) => new(level, level, level);

    /// <summary>A colour from its hexadecimal form, <c>#rrggbb</c> (the <c>#</c> may be left out).</summary>
    /// <param name="hex">For example <c>#1f77b4</c>.</param>
    /// <exception cref="FormatException">The text is not six hexadecimal digits.</exception>
    public static Rgb FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var digits = hex.StartsWith('#') ? hex[1..] : hex;
        if (digits.Length != 6 || !int.TryParse(digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException($"A colour is written #rrggbb with six hexadecimal digits, got \"{hex}\".");
        }

        return new Rgb((byte)(value >> 16), (byte)(value >> 8), (byte)value);
    }

    /// <summary>The colour as <c>#rrggbb</c>.</summary>
    public override string ToString() => $"#{R:x2}{G:x2}{B:x2}";

    internal ScottPlot.Color ToScottPlot() => new(R, G, B);
}
