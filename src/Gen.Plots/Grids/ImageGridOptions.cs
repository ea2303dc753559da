namespace Gen.Plots;

/// <summary>How <see cref="ImageGrid.Render"/> lays out and colours a grid of images.</summary>
/// <param name="Columns">Images per row; null for the smallest number whose square holds them all (ceil √N).</param>
/// <param name="Padding">Pixels of <paramref name="PaddingColour"/> around and between the images, after scaling.</param>
/// <param name="Scale">Each image pixel becomes a <paramref name="Scale"/> × <paramref name="Scale"/> block (nearest neighbour).</param>
/// <param name="Low">The value drawn black (lower values are clamped to it).</param>
/// <param name="High">The value drawn white, or full colour (higher values are clamped to it).</param>
/// <param name="Side">For flat images [N, D]: the side of the square images (D = side² grey or 3·side² RGB); null infers it from D.</param>
/// <param name="PaddingColour">The colour between images; null for a middle grey (128).</param>
public sealed record ImageGridOptions(
    int? Columns = null, int Padding = 2, int Scale = 1, double Low = 0, double High = 1, int? Side = null, Rgb? PaddingColour = null)
{
    /// <summary>The defaults: ceil √N columns, 2 pixels of grey padding, no scaling, values in [0, 1], sides inferred.</summary>
    public static ImageGridOptions Default { get; } = new();

    /// <summary>These options with <paramref name="columns"/> images per row (null: ceil √N).</summary>
    /// <param name="columns">Images per row.</param>
    public ImageGridOptions WithColumns(int? columns) => this with { Columns = columns };

    /// <summary>These options with <paramref name="padding"/> pixels around and between images.</summary>
    /// <param name="padding">Pixels, 0 or more.</param>
    public ImageGridOptions WithPadding(int padding) => this with { Padding = padding };

    /// <summary>These options with every image pixel drawn as a <paramref name="scale"/>-pixel square.</summary>
    /// <param name="scale">1 or more.</param>
    public ImageGridOptions WithScale(int scale) => this with { Scale = scale };

    /// <summary>These options with values from <paramref name="low"/> (black) to <paramref name="high"/> (white).</summary>
    /// <param name="low">The value drawn black.</param>
    /// <param name="high">The value drawn white.</param>
    public ImageGridOptions WithRange(double low, double high) => this with { Low = low, High = high };

    /// <summary>These options reading flat images as squares of side <paramref name="side"/> (null: inferred).</summary>
    /// <param name="side">The side in pixels.</param>
    public ImageGridOptions WithSide(int? side) => this with { Side = side };

    /// <summary>These options with another colour between images (null: middle grey).</summary>
    /// <param name="colour">The padding colour.</param>
    public ImageGridOptions WithPaddingColour(Rgb? colour) => this with { PaddingColour = colour };
}
