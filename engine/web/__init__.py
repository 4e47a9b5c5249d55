"""The self-check web page (`nianbao serve`): imported only by that command."""
