using System;
using System.IO;
using ScottPlot;
using SkiaSharp;

namespace Gen.Plots;

/// <summary>
/// The one font every plot uses: Inter Regular (SIL Open Font License 1.1), embedded, so that text is drawn where
/// the system has no fonts, or Skia cannot see them (the native library Gen.Plots ships is built without fontconfig).
/// It is offered to ScottPlot under its own family name only, so other plots in the same program keep their fonts.
/// </summary>
internal static class PlotFont
{
    /// <summary>The family name plots ask for.</summary>
    internal const string Family = "Gen Inter";

    private const string Resource = "Gen.Plots.Inter-Regular.otf";
    private static readonly object Gate = new();
    private static bool registered;

    /// <summary>Makes the font known to ScottPlot (once per process).</summary>
    internal static void Register()
    {
        lock (Gate)
        {
            if (registered)
            {
                return;
            }

            Fonts.FontResolvers.Add(new Resolver(Load()));
            registered = true;
        }
    }

    private static SKData Load()
    {
        using var stream = typeof(PlotFont).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"Gen.Plots is damaged: the embedded font {Resource} is missing; reinstall the package.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return SKData.CreateCopy(copy.ToArray());
    }

    // Hands out a new typeface on every request: ScottPlot disposes the typefaces it is given. Bold and italic are
    // drawn with the regular face rather than falling back to the (possibly empty) system font manager.
    private sealed class Resolver(SKData data) : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            string.Equals(fontName, Family, StringComparison.Ordinal) ? SKTypeface.FromData(data) : null;

        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            CreateTypeface(fontName, false, false);
    }
}
