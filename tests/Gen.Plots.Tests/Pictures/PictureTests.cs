using System;
using System.IO;
using SkiaSharp;
using TorchSharp;
using Xunit;

namespace Gen.Plots.Tests.Pictures;

public class PictureTests
{
    [Fact]
    public void SaveWritesAPngThatDecodes()
    {
        var folder = Path.Combine(Path.GetTempPath(), "gen-plots-" + Guid.NewGuid().ToString("N"));
        try
        {
            var picture = ImageGrid.Render(torch.ones(3, 1, 4, 4), ImageGridOptions.Default.WithScale(2));
            var path = picture.Save(Path.Combine(folder, "nested", "grid.png"));
            var bytes = File.ReadAllBytes(path);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
            using var codec = SKCodec.Create(new MemoryStream(bytes));
            Assert.Equal(SKEncodedImageFormat.Png, codec.EncodedFormat);
            Assert.Equal((picture.Width, picture.Height), (codec.Info.Width, codec.Info.Height));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, true);
            }
        }
    }

    [Fact]
    public void RowPlacesPicturesSideBySide()
    {
        var black = ImageGrid.Render(torch.zeros(1, 1, 3, 5), ImageGridOptions.Default.WithPadding(0));
        var white = ImageGrid.Render(torch.ones(1, 1, 6, 2), ImageGridOptions.Default.WithPadding(0));
        var row = Picture.Row(new[] { black, white }, gap: 4);
        Assert.Equal((11, 6), (row.Width, row.Height));
        using var pixels = new Pixels(row);
        Assert.Equal(Rgb.Black, pixels[4, 2]);
        Assert.Equal(Rgb.White, pixels[4, 4]); // below the shorter picture
        Assert.Equal(Rgb.White, pixels[7, 0]); // the gap
        Assert.Equal(Rgb.White, pixels[10, 5]);
    }

    [Fact]
    public void ToPngIsACopy()
    {
        var picture = ImageGrid.Render(torch.zeros(1, 4));
        var bytes = picture.ToPng();
        bytes[0] = 0;
        Assert.Equal(0x89, picture.ToPng()[0]);
    }

    [Fact]
    public void ColoursReadAndPrintAsHex()
    {
        Assert.Equal(new Rgb(0x1f, 0x77, 0xb4), Rgb.FromHex("#1f77b4"));
        Assert.Equal("#1f77b4", Rgb.Palette[0].ToString());
        Assert.Throws<FormatException>(() => Rgb.FromHex("#12345"));
    }
}
