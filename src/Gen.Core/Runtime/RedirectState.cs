using System;

namespace Gen.Runtime;

/// <summary>Whether a redirect of a native function is in place, and why not: it is tried once, by the first <see cref="Install"/>.</summary>
internal sealed class RedirectState
{
    private readonly object gate = new();
    private volatile bool active;
    private volatile string? whyNot;

    /// <summary>Whether the redirect is in place.</summary>
    public bool IsActive => active;

    /// <summary>Why the redirect is not in place (null when it is, or before <see cref="Install"/> ran).</summary>
    public string? WhyNot => whyNot;

    /// <summary>Runs <paramref name="tryInstall"/> (null when it put the redirect in place, else why not) unless an earlier call did.</summary>
    public void Install(Func<string?> tryInstall)
    {
        lock (gate)
        {
            if (active || whyNot is not null)
            {
                return;
            }

            whyNot = tryInstall();
            active = whyNot is null;
        }
    }
}
