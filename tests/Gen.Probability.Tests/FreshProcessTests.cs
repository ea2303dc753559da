using System.Diagnostics;
using System.Threading.Tasks;
using System.Reflection;
using Xunit;

namespace Gen.Probability.Tests;

public sealed class FreshProcessTests
{

    [Fact]
    public async Task A_process_whose_first_call_is_to_gen_testing_loads_the_runtime()
    {
        // Gen.Testing's generators call TorchSharp before any Gen.Core type is touched; on Debian 12 TorchSharp's own
        // load fails there unless Gen.Core's fallback is registered first. Only a fresh process shows it.
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        psi.ArgumentList.Add(Program.TestingFirst);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        var output = await stdout;
        Assert.True(p.ExitCode == 0, $"exit code {p.ExitCode}: {output}{stderr}");
        Assert.Contains("chains=100", output);
    }
}
