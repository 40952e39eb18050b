Console.WriteLine("flux");
