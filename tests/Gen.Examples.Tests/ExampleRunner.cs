using System;
using System.IO;
using System.Linq;
using SkiaSharp;
using Xunit;

namespace Gen.Examples.Tests;

/// <summary>Runs an example into a fresh folder and reads back what it printed and wrote.</summary>
internal sealed class ExampleRunner : IDisposable
{
    public ExampleRunner()
    {
        Folder = Path.Combine(Path.GetTempPath(), "gen-examples-" + Guid.NewGuid().ToString("N"));
    }

    public string Folder { get; }

    public string Output { get; private set; } = string.Empty;

    /// <summary>Runs the C# program with these arguments (and --out set to the folder); returns the exit code.</summary>
    public int Run(params string[] args)
    {
        using var writer = new StringWriter();
        var code = Program.Run(args.Concat(new[] { "--out", Folder }).ToArray(), writer);
        Output = writer.ToString();
        return code;
    }

    /// <summary>Runs the F# program likewise.</summary>
    public int RunFSharp(params string[] args)
    {
        using var writer = new StringWriter();
        var code = Gen.Examples.FSharp.Program.run(args.Concat(new[] { "--out", Folder }).ToArray(), writer);
        Output = writer.ToString();
        return code;
    }

    /// <summary>Checks that the example said it wrote <paramref name="file"/>, and that it is a PNG SkiaSharp decodes; returns its size.</summary>
    public (int Width, int Height) Png(string file)
    {
        var path = Path.Combine(Folder, file);
        Assert.Contains(path, Output);
        using var bitmap = SKBitmap.Decode(path);
        Assert.NotNull(bitmap);
        return (bitmap.Width, bitmap.Height);
    }

    public void Dispose()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, true);
        }
    }
}
