using TorchSharp;

namespace Gen.Plots;

/// <summary>A set of 2-D points to draw in one colour, with a legend label.</summary>
/// <param name="Label">The legend text; null or empty for none.</param>
/// <param name="Points">Points [n, 2] with n at least 1 (any device, any real dtype).</param>
/// <param name="Colour">The colour; null takes the next colour of <see cref="Rgb.Palette"/>.</param>
public sealed record PointSet(string? Label, torch.Tensor Points, Rgb? Colour = null)
{
    /// <summary>This set in another colour.</summary>
    /// <param name="colour">The colour (null: from the palette).</param>
    public PointSet WithColour(Rgb? colour) => this with { Colour = colour };
}
