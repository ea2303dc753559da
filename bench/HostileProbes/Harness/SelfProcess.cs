using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace HostileProbes.Harness;

/// <summary>Starts this program again as a child process: a category of probes, a save to kill, a runtime to load.</summary>
internal static class SelfProcess
{
    /// <summary>A start description for this program with <paramref name="arguments"/>, output redirected.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Started through `dotnet HostileProbes.dll`: the child needs the assembly too; through the apphost it does not.
        if (System.IO.Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.Ordinal))
        {
            info.ArgumentList.Add(typeof(SelfProcess).Assembly.Location);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                info.Environment[name] = value;
            }
        }

        return info;
    }

    /// <summary>Runs this program with <paramref name="arguments"/> to its end (or <paramref name="timeout"/>); its exit code and output.</summary>
    public static (int Code, string Output, bool TimedOut) Run(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout)
    {
        using var process = Process.Start(StartInfo(arguments, environment))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, stdout.Result + stderr.Result, true);
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result, false);
    }
}
