namespace FluxMatching.Interactive.Magic;

using System.Text;

/// <summary>Splits a magic-command line into words: whitespace separates, double quotes group ("a b" is one word).</summary>
internal static class DirectiveTokenizer
{
    /// <summary>The words of <paramref name="line"/>, quotes removed.</summary>
    /// <exception cref="FluxUsageException">A double quote is not closed.</exception>
    public static List<string> Tokenize(string line)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        bool inQuotes = false, inWord = false;
        foreach (var ch in line.Trim())
        {
            if (ch == '"') { inQuotes = !inQuotes; inWord = true; continue; }
            if (!inQuotes && char.IsWhiteSpace(ch))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                }

                current.Clear();
                inWord = false;
                continue;
            }
            current.Append(ch);
            inWord = true;
        }
        if (inQuotes)
        {
            throw new FluxUsageException($"{FluxCommandSet.DirectiveName}: a double quote is not closed in: {line.Trim()}");
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        return words;
    }
}
