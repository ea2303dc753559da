namespace Gen.Plots;

/// <summary>How <see cref="TrainingCurves.Render"/> draws curves.</summary>
/// <param name="Title">A title above the plot, or null.</param>
/// <param name="XLabel">The horizontal axis label.</param>
/// <param name="YLabel">The vertical axis label, or null.</param>
/// <param name="Width">Picture width in pixels.</param>
/// <param name="Height">Picture height in pixels.</param>
/// <param name="LineWidth">Line width in pixels.</param>
public sealed record CurveOptions(string? Title = null, string XLabel = "step", string? YLabel = null, int Width = 520, int Height = 360, double LineWidth = 2)
{
    /// <summary>The defaults: "step" under the axis, 520 × 360 pixels, 2-pixel lines.</summary>
    public static CurveOptions Default { get; } = new();

    /// <summary>These options with a title (null: none).</summary>
    /// <param name="title">The title.</param>
    public CurveOptions WithTitle(string? title) => this with { Title = title };

    /// <summary>These options with other axis labels.</summary>
    /// <param name="xLabel">Under the horizontal axis.</param>
    /// <param name="yLabel">Beside the vertical axis (null: none).</param>
    public CurveOptions WithLabels(string xLabel, string? yLabel) => this with { XLabel = xLabel, YLabel = yLabel };

    /// <summary>These options with another picture size.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public CurveOptions WithSize(int width, int height) => this with { Width = width, Height = height };

    /// <summary>These options with another line width.</summary>
    /// <param name="width">Pixels, positive.</param>
    public CurveOptions WithLineWidth(double width) => this with { LineWidth = width };
}
