using System;
using FsCheck;
using FsCheck.Fluent;
using Gen.Testing;

namespace Gen.Probability.Tests;

/// <summary>
/// Entry point used only as a child process by <c>FreshProcessTests</c>: a process whose first call is to
/// Gen.Testing, which draws with TorchSharp before any Gen.Core type is touched.
/// </summary>
public static class Program
{
    /// <summary>The argument that makes the test assembly this child process.</summary>
    public const string TestingFirst = "testing-first";

    public static int Main(string[] args)
    {
        if (args.Length == 1 && args[0] == TestingFirst)
        {
            // As the Gen.Testing README's first property does: random library chains, checked against every law.
            int checkedChains = 0;
            Check.QuickThrowOnFailure(Prop.ForAll(Arbitraries.Chains(4), chain =>
            {
                BijectorLaws.All(chain.Value, TorchSharp.torch.randn(new long[] { 3, 4 }, dtype: TorchSharp.torch.float64));
                checkedChains++;
            }));
            Console.WriteLine($"chains={checkedChains}");
            return checkedChains > 0 ? 0 : 1;
        }

        Console.Error.WriteLine($"usage: Gen.Probability.Tests {TestingFirst}");
        return 2;
    }
}
