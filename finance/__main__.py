from finance.cli import main

main()
