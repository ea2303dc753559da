using System.Text.Json.Nodes;

namespace Gen.Dsl;

/// <summary>The JSON forms of the pixel models and their heads.</summary>
internal static class PixelCnnJson
{
    /// <summary>Pixel heads: the heads, under the pixel models' name for them.</summary>
    public static NodeKinds<HeadSpec> Heads => HeadJson.Heads;

    /// <summary>A PixelCNN: image shape, filters, residual blocks and head.</summary>
    public static readonly NodeCodec<PixelCnnSpec> PixelCnn = new(
        "a PixelCNN spec",
        (s, o) =>
        {
            WriteImage(s.Channels, s.Height, s.Width, s.Filters, o);
            o["residual_blocks"] = s.ResidualBlocks;
            o["head"] = Heads.Write(s.Head);
        },
        f => new PixelCnnSpec(f.Int("channels"), f.Int("height"), f.Int("width"), f.Int("filters"), f.Int("residual_blocks"), f.Node("head", Heads)));

    /// <summary>A gated PixelCNN: image shape, filters, layers, classes and head.</summary>
    public static readonly NodeCodec<GatedPixelCnnSpec> GatedPixelCnn = new(
        "a gated PixelCNN spec",
        (s, o) =>
        {
            WriteImage(s.Channels, s.Height, s.Width, s.Filters, o);
            o["layers"] = s.Layers;
            o["classes"] = s.Classes;
            o["head"] = Heads.Write(s.Head);
        },
        f => new GatedPixelCnnSpec(f.Int("channels"), f.Int("height"), f.Int("width"), f.Int("filters"), f.Int("layers"), f.Int("classes"), f.Node("head", Heads)));

    private static void WriteImage(int channels, int height, int width, int filters, JsonObject o)
    {
        o["channels"] = channels;
        o["height"] = height;
        o["width"] = width;
        o["filters"] = filters;
    }
}
