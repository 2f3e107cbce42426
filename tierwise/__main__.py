from tierwise.cli.app import main

main()
