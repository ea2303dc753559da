using TorchSharp;

namespace Gen.Plots;

/// <summary>How <see cref="DensityMap"/> evaluates and draws a density.</summary>
/// <param name="Resolution">Grid cells per side at which the log-density is evaluated.</param>
/// <param name="Width">Picture width in pixels.</param>
/// <param name="Height">Picture height in pixels.</param>
/// <param name="Title">A title above the plot, or null.</param>
/// <param name="Scale">Whether colour shows the density or the log-density.</param>
/// <param name="LogRange">For <see cref="DensityScale.LogDensity"/>: how many nats below the maximum the colour scale reaches.</param>
/// <param name="Device">Where the grid points are made for the log-density function (the model's device); the CPU when null.</param>
/// <param name="DType">The grid points' floating-point type (the model's dtype); float32 when null.</param>
/// <param name="Overlay">Points [n, 2] drawn as small white dots over the map (for example the training data), or null.</param>
public sealed record DensityMapOptions(
    int Resolution = 160,
    int Width = 420,
    int Height = 360,
    string? Title = null,
    DensityScale Scale = DensityScale.Density,
    double LogRange = 12,
    torch.Device? Device = null,
    torch.ScalarType? DType = null,
    torch.Tensor? Overlay = null)
{
    /// <summary>The defaults: 160 cells per side, 420 × 360 pixels, density colours, CPU float32 grid.</summary>
    public static DensityMapOptions Default { get; } = new();

    /// <summary>These options with <paramref name="resolution"/> cells per side.</summary>
    /// <param name="resolution">2 or more.</param>
    public DensityMapOptions WithResolution(int resolution) => this with { Resolution = resolution };

    /// <summary>These options with another picture size.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public DensityMapOptions WithSize(int width, int height) => this with { Width = width, Height = height };

    /// <summary>These options with a title (null: none).</summary>
    /// <param name="title">The title.</param>
    public DensityMapOptions WithTitle(string? title) => this with { Title = title };

    /// <summary>These options with another colour scale.</summary>
    /// <param name="scale">Density or log-density.</param>
    public DensityMapOptions WithScale(DensityScale scale) => this with { Scale = scale };

    /// <summary>These options with another log-density range.</summary>
    /// <param name="logRange">Nats below the maximum, positive.</param>
    public DensityMapOptions WithLogRange(double logRange) => this with { LogRange = logRange };

    /// <summary>These options evaluating on <paramref name="device"/> in <paramref name="dtype"/>.</summary>
    /// <param name="device">The model's device.</param>
    /// <param name="dtype">The model's dtype; null for float32.</param>
    public DensityMapOptions On(torch.Device device, torch.ScalarType? dtype = null) => this with { Device = device, DType = dtype };

    /// <summary>These options with points drawn over the map (null: none).</summary>
    /// <param name="points">Points [n, 2].</param>
    public DensityMapOptions WithOverlay(torch.Tensor? points) => this with { Overlay = points };
}
