namespace Gen.Plots;

/// <summary>
/// Where the data of a plot lie in its picture: the rectangle of the data area in pixels (x to the right, y down, from
/// the picture's top-left corner) and the data coordinates at its edges. Use it to find the pixel of a data point.
/// </summary>
/// <param name="Left">The data area's left edge, in pixels.</param>
/// <param name="Top">The data area's top edge, in pixels.</param>
/// <param name="Right">The data area's right edge, in pixels.</param>
/// <param name="Bottom">The data area's bottom edge, in pixels.</param>
/// <param name="XMin">The data x at the left edge.</param>
/// <param name="XMax">The data x at the right edge.</param>
/// <param name="YMin">The data y at the bottom edge.</param>
/// <param name="YMax">The data y at the top edge.</param>
public sealed record PlotArea(double Left, double Top, double Right, double Bottom, double XMin, double XMax, double YMin, double YMax)
{
    /// <summary>The horizontal pixel coordinate of data x (pixel column <c>floor</c> of it).</summary>
    /// <param name="x">A data x.</param>
    public double PixelX(double x) => Left + ((x - XMin) / (XMax - XMin) * (Right - Left));

    /// <summary>The vertical pixel coordinate of data y (pixel row <c>floor</c> of it); larger y is higher up.</summary>
    /// <param name="y">A data y.</param>
    public double PixelY(double y) => Bottom - ((y - YMin) / (YMax - YMin) * (Bottom - Top));

    /// <summary>Whether the pixel (column, row) lies inside the data area.</summary>
    /// <param name="column">Pixel column.</param>
    /// <param name="row">Pixel row.</param>
    public bool Contains(int column, int row) => column >= Left && column < Right && row >= Top && row < Bottom;
}
