using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Plots.Tests.Grids;

public class ImageGridTests
{
    // Four 2×2 grey images; pixel (i, j) of image k is (4k + 2i + j) / 15, so every pixel of the grid has its own level.
    private static torch.Tensor KnownImages() =>
        (torch.arange(16, dtype: torch.float32) / 15).reshape(4, 1, 2, 2);

    private static byte Level(int k, int i, int j) => (byte)Math.Round(255.0 * ((4 * k) + (2 * i) + j) / 15);

    [Fact]
    public void TwoByTwoGridHasEveryPixelWhereItBelongs()
    {
        const int pad = 1, scale = 3;
        var picture = ImageGrid.Render(KnownImages(), new ImageGridOptions(Padding: pad, Scale: scale, PaddingColour: new Rgb(255, 0, 0)));

        // 2 columns of 2·3 pixels and 3 paddings of 1.
        Assert.Equal(15, picture.Width);
        Assert.Equal(15, picture.Height);
        Assert.Null(picture.Area);
        using var pixels = new Pixels(picture);
        var owner = new int[15, 15];
        for (int k = 0; k < 4; k++)
        {
            int x0 = pad + ((k % 2) * ((2 * scale) + pad));
            int y0 = pad + ((k / 2) * ((2 * scale) + pad));
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    for (int dy = 0; dy < scale; dy++)
                    {
                        for (int dx = 0; dx < scale; dx++)
                        {
                            int x = x0 + (j * scale) + dx, y = y0 + (i * scale) + dy;
                            Assert.Equal(Rgb.Gray(Level(k, i, j)), pixels[x, y]);
                            owner[x, y] = 1;
                        }
                    }
                }
            }
        }

        // Every other pixel is padding.
        for (int x = 0; x < 15; x++)
        {
            for (int y = 0; y < 15; y++)
            {
                if (owner[x, y] == 0)
                {
                    Assert.Equal(new Rgb(255, 0, 0), pixels[x, y]);
                }
            }
        }
    }

    [Fact]
    public void RgbImagesKeepTheirChannels()
    {
        // One 1×2 image: left pixel pure red at half strength, right pixel (0, 1, 1) = cyan.
        var image = torch.tensor(new float[] { 0.5f, 0, 0, 1, 0, 1 }).reshape(1, 3, 1, 2);
        var picture = ImageGrid.Render(image, ImageGridOptions.Default.WithPadding(0));
        Assert.Equal((2, 1), (picture.Width, picture.Height));
        using var pixels = new Pixels(picture);
        Assert.Equal(new Rgb(128, 0, 0), pixels[0, 0]);
        Assert.Equal(new Rgb(0, 255, 255), pixels[1, 0]);
    }

    [Fact]
    public void FlatImagesInferTheirSideAndChannels()
    {
        var grey = torch.linspace(0, 1, 2 * 64).reshape(2, 64);
        var picture = ImageGrid.Render(grey, ImageGridOptions.Default.WithPadding(0).WithColumns(2));
        Assert.Equal((16, 8), (picture.Width, picture.Height));
        using (var pixels = new Pixels(picture))
        {
            // Image 1, pixel (7, 7) is the last value, 1.
            Assert.Equal(Rgb.White, pixels[15, 7]);
            Assert.Equal(Rgb.Black, pixels[0, 0]);
        }

        var rgb = torch.zeros(3, 3 * 16);
        rgb[.., 16..32] = torch.ones(3, 16); // green plane
        var colour = ImageGrid.Render(rgb, new ImageGridOptions(Padding: 0, Columns: 3));
        Assert.Equal((12, 4), (colour.Width, colour.Height));
        using var colourPixels = new Pixels(colour);
        Assert.Equal(new Rgb(0, 255, 0), colourPixels[5, 2]);
    }

    [Fact]
    public void GivenSideAndRangeAreHonoured()
    {
        // 4 values as a 2×2 image in [−1, 1]: −2 clamps to black, 0 is the middle, 1 white, 3 clamps to white.
        var image = torch.tensor(new float[] { -2, 0, 1, 3 }).reshape(1, 4);
        var picture = ImageGrid.Render(image, new ImageGridOptions(Padding: 0, Low: -1, High: 1, Side: 2));
        using var pixels = new Pixels(picture);
        Assert.Equal(Rgb.Black, pixels[0, 0]);
        Assert.Equal(Rgb.Gray(128), pixels[1, 0]);
        Assert.Equal(Rgb.White, pixels[0, 1]);
        Assert.Equal(Rgb.White, pixels[1, 1]);
    }

    [Fact]
    public void MissingCellsKeepThePaddingColour()
    {
        var images = torch.ones(5, 1, 2, 2);
        var picture = ImageGrid.Render(images, new ImageGridOptions(Columns: 2, Padding: 1));
        Assert.Equal((7, 10), (picture.Width, picture.Height)); // 3 rows
        using var pixels = new Pixels(picture);
        Assert.Equal(Rgb.White, pixels[1, 7]); // image 4, first pixel
        Assert.Equal(Rgb.Gray(128), pixels[4, 7]); // the empty sixth cell
    }

    [Fact]
    public void DefaultColumnsMakeANearSquare()
    {
        var picture = ImageGrid.Render(torch.zeros(10, 1, 3, 3), ImageGridOptions.Default.WithPadding(0));
        Assert.Equal((12, 9), (picture.Width, picture.Height)); // 4 columns, 3 rows
    }

    [Fact]
    public void BadInputIsNamed()
    {
        Assert.Throws<GenShapeException>(() => ImageGrid.Render(torch.zeros(2, 2, 3, 3)));
        Assert.Throws<GenShapeException>(() => ImageGrid.Render(torch.zeros(2, 10)));
        Assert.Throws<GenShapeException>(() => ImageGrid.Render(torch.zeros(2, 16), ImageGridOptions.Default.WithSide(3)));
        Assert.Throws<GenShapeException>(() => ImageGrid.Render(torch.zeros(3)));
        var nan = torch.zeros(1, 1, 2, 2);
        nan[0, 0, 1, 0] = torch.tensor(float.NaN);
        var error = Assert.Throws<ArgumentException>(() => ImageGrid.Render(nan));
        Assert.Contains("pixel (1, 0)", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Render(torch.zeros(1, 4), ImageGridOptions.Default.WithRange(1, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Render(torch.zeros(1, 4), ImageGridOptions.Default.WithScale(0)));
    }

    [Fact]
    public void AnyDtypeIsRead()
    {
        var bytes = torch.tensor(new byte[] { 0, 1 }).reshape(1, 1, 1, 2);
        var picture = ImageGrid.Render(bytes, ImageGridOptions.Default.WithPadding(0));
        using var pixels = new Pixels(picture);
        Assert.Equal(new[] { Rgb.Black, Rgb.White }, Enumerable.Range(0, 2).Select(x => pixels[x, 0]));
    }
}
