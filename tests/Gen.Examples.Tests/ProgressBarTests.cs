using System.IO;
using System.Linq;
using Xunit;

namespace Gen.Examples.Tests;

public class ProgressBarTests
{
    [Fact]
    public void RedirectedOutputGetsOneLinePerTenth()
    {
        using var writer = new StringWriter();
        var bar = new ProgressBar(writer, "job", 1000, interactive: false);
        for (int i = 1; i <= 1000; i++)
        {
            bar.Report(i, $"step {i}");
        }

        var lines = writer.ToString().Split('\n', System.StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(11, lines.Length); // 0% (the first step), 10%, 20%, ..., 100%
        Assert.All(lines, l => Assert.StartsWith("job [", l));
        Assert.DoesNotContain('\r', writer.ToString());
        Assert.Contains("100%", lines[^1]);
        Assert.Contains("step 1000", lines[^1]);
        Assert.Contains("########################", lines[^1]);
    }

    [Fact]
    public void ATerminalGetsOneLineRedrawnInPlace()
    {
        using var writer = new StringWriter();
        var bar = new ProgressBar(writer, "job", 3, interactive: true);
        bar.Report(1, "a");
        bar.Report(3, "done");
        var text = writer.ToString();
        Assert.StartsWith("\r", text);
        Assert.Single(text.Split('\n', System.StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith("\n", text);
        Assert.Contains("100%", text);
    }
}
