"""Operations tools for IT staff: the self-test and the diagnostics zip."""
