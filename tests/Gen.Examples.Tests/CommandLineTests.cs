using System.IO;
using System.Linq;
using Xunit;

namespace Gen.Examples.Tests;

public class CommandLineTests
{
    private static (int Code, string Output) Run(params string[] args)
    {
        using var writer = new StringWriter();
        var code = Program.Run(args, writer);
        return (code, writer.ToString());
    }

    [Fact]
    public void HelpListsEveryExampleAndTheCommonOptions()
    {
        var (code, output) = Run("--help");
        Assert.Equal(0, code);
        foreach (var e in Program.Examples)
        {
            Assert.Contains(e.Name, output);
        }

        foreach (var option in new[] { "--epochs", "--device", "--data-dir", "--out", "--seed" })
        {
            Assert.Contains(option, output);
        }
    }

    [Theory]
    [InlineData("quickstart", "--samples")]
    [InlineData("flow2d", "--set")]
    [InlineData("made", "--data")]
    [InlineData("nade", "--hidden")]
    [InlineData("pixelcnn", "--filters")]
    [InlineData("energies", "--seed")]
    public void EachExampleListsItsOptions(string example, string option)
    {
        var (code, output) = Run(example, "--help");
        Assert.Equal(0, code);
        Assert.Contains(option, output);
        Assert.Contains("--epochs", output);
        Assert.Contains("--help", output);
    }

    [Theory]
    [InlineData("quickstart", "--bogus", "1")]
    [InlineData("flow2d", "--set", "spiral-galaxy")]
    [InlineData("made", "--epochs", "zero")]
    [InlineData("made", "--epochs")]
    [InlineData("nade", "--device", "tpu")]
    public void BadOptionsAreNamedAndExitWithTwo(string example, params string[] options)
    {
        var (code, output) = Run(new[] { example }.Concat(options).ToArray());
        Assert.Equal(2, code);
        Assert.Contains(example, output);
        Assert.Contains(options[0].TrimStart('-'), output);
    }

    [Fact]
    public void AnUnknownExampleListsTheExamples()
    {
        var (code, output) = Run("glow");
        Assert.Equal(2, code);
        Assert.Contains("unknown example 'glow'", output);
        Assert.Contains("quickstart", output);
    }

    [Fact]
    public void FSharpHelpListsItsOptions()
    {
        using var writer = new StringWriter();
        Assert.Equal(0, Gen.Examples.FSharp.Program.run(new[] { "--help" }, writer));
        Assert.Contains("--epochs", writer.ToString());
        using var bad = new StringWriter();
        Assert.Equal(2, Gen.Examples.FSharp.Program.run(new[] { "--bogus", "1" }, bad));
    }

    [Fact]
    public void DamagedDataIsReportedInOneLineAndExitsWithThree()
    {
        // Files that are not what they claim (no network needed): the data error's message, not a stack trace.
        var dir = Directory.CreateTempSubdirectory("gen-bad-data-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "binarized-mnist"));
            foreach (var split in new[] { "train", "valid", "test" })
            {
                File.WriteAllText(Path.Combine(dir, "binarized-mnist", $"{split}-images-idx3-ubyte"), "not an IDX file");
            }

            var (code, output) = Run("made", "--data-dir", dir, "--epochs", "1");
            Assert.True(code == 3, output);
            var last = output.TrimEnd().Split('\n')[^1];
            Assert.StartsWith("made: ", last);
            Assert.Contains(dir, last);
            Assert.DoesNotContain("   at ", output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
