namespace Gen.Plots;

/// <summary>How <see cref="ScatterPlot"/> draws points.</summary>
/// <param name="Region">The axis limits; null fits them to the points.</param>
/// <param name="Width">Picture width in pixels.</param>
/// <param name="Height">Picture height in pixels.</param>
/// <param name="Title">A title above the plot, or null.</param>
/// <param name="MarkerSize">Dot diameter in pixels.</param>
public sealed record ScatterOptions(Region? Region = null, int Width = 420, int Height = 360, string? Title = null, double MarkerSize = 3)
{
    /// <summary>The defaults: limits fitted to the points, 420 × 360 pixels, 3-pixel dots.</summary>
    public static ScatterOptions Default { get; } = new();

    /// <summary>These options with fixed axis limits (null: fitted to the points).</summary>
    /// <param name="region">The limits.</param>
    public ScatterOptions WithRegion(Region? region) => this with { Region = region };

    /// <summary>These options with another picture size.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public ScatterOptions WithSize(int width, int height) => this with { Width = width, Height = height };

    /// <summary>These options with a title (null: none).</summary>
    /// <param name="title">The title.</param>
    public ScatterOptions WithTitle(string? title) => this with { Title = title };

    /// <summary>These options with another dot size.</summary>
    /// <param name="size">Diameter in pixels, positive.</param>
    public ScatterOptions WithMarkerSize(double size) => this with { MarkerSize = size };
}
